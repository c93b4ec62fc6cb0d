"""The fast linear inference gives scikit-learn's own probabilities."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from answerdesk.nlp.asks import AskModel
from answerdesk.nlp.kinds import KindModel, document
from answerdesk.nlp.understanding import bundled_reader

SAMPLES = [
    ("Commande", "Bonjour, où en est ma commande 12345 ? Merci"),
    ("", "pls refund asap"),
    ("Stage", "Je me permets de vous adresser ma candidature pour un stage."),
    ("Problème", ""),
]


def test_kind_probabilities_match_scikit_learn():
    model = bundled_reader().kinds
    assert isinstance(model, KindModel)
    for subject, text in SAMPLES:
        ours = model.linear.probabilities(document(subject, text))
        theirs = model.pipeline.predict_proba([document(subject, text)])[0]
        assert np.allclose(ours, theirs, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_the_same_ask_probability(text):
    model = bundled_reader().asks
    assert isinstance(model, AskModel)
    ours = model.linear.probabilities(text)
    theirs = model.pipeline.predict_proba([text])[0]
    assert np.allclose(ours, theirs, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6))
def test_a_batch_gives_each_document_its_own_probabilities(documents):
    model = bundled_reader().asks
    assert isinstance(model, AskModel)
    together = model.linear.probabilities_of(documents)
    alone = np.array([model.linear.probabilities(d) for d in documents])
    assert np.allclose(together, alone, atol=1e-9)
