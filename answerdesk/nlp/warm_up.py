"""Load every model before work starts: once in a parent process, shared by its forks."""

from __future__ import annotations

from answerdesk.nlp.language import detect_language
from answerdesk.nlp.spam_text import spam_probability
from answerdesk.nlp.suggest import bundled_embedder
from answerdesk.nlp.understanding import bundled_reader


def load_all(*, suggestions: bool = True) -> None:
    detect_language("Bonjour, pouvez-vous m'aider ? Hello, can you help me?")
    spam_probability("Question", "Bonjour, pouvez-vous m'aider ?")
    bundled_reader().read("Question", "Bonjour, pouvez-vous m'aider ?")
    if suggestions:
        # The writer quotes FAQ answers in acknowledgements: the encoder's 1.5 s of loading
        # must not fall on the first customer's acknowledgement. Imports send none.
        bundled_embedder().encode(["Bonjour, pouvez-vous m'aider ?"])
