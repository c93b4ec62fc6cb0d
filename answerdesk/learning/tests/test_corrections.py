"""Agents' corrections: recorded, on the timeline, and learned by `answerdesk nlp retrain`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.learning.actions import CorrectionError, correct, corrected_examples
from answerdesk.learning.models import Category, Correction, TrainedModel
from answerdesk.learning.readers import current_reader
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.tests.mails import make_mail
from answerdesk.nlp.understanding import bundled_reader
from answerdesk.tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ORDER = (
    "Bonjour,\r\nJ'ai commandé une lampe Orion le 2 mars.\r\n"
    "Pouvez-vous me dire quand elle sera livrée ? Et puis-je changer l'adresse ?\r\n"
    "Merci, Lucie\r\n"
)


def receive(store, *mails: bytes) -> list[Message]:
    accepted = do_accept([(f"smtp:192.0.2.1/{i}", m) for i, m in enumerate(mails)])
    do_process(accepted.pending, store=store)
    return list(Message.objects.filter(direction=Message.Direction.INBOUND).order_by("pk"))


@pytest.fixture
def agent():
    return get_user_model().objects.create_user("camille", "camille@answerdesk.test", "x")


def test_a_kind_correction_changes_message_and_ticket_and_shows_on_the_timeline(blob_store, agent):
    [message] = receive(blob_store, make_mail(message_id="o@example.fr", body=ORDER))
    model_kind, version = message.kind, message.nlp_version

    [done] = correct(message, by=agent, kind="complaint")

    message.refresh_from_db()
    ticket = Ticket.objects.get()
    assert (message.kind, message.kind_confidence, ticket.kind) == ("complaint", 1.0, "complaint")
    assert (done.field, done.before, done.after) == ("kind", model_kind, "complaint")
    assert done.model_version == version
    assert done.actor == agent
    event = TicketEvent.objects.get(kind=TicketEvent.Kind.UNDERSTANDING_CORRECTED)
    assert event.actor == agent
    assert event.message == message
    assert event.data == {"field": "kind", "from": model_kind, "to": "complaint"}


def test_asks_are_corrected_as_passages_of_the_text_with_their_spans(blob_store, agent):
    [message] = receive(blob_store, make_mail(message_id="o@example.fr", body=ORDER))
    asks = ["Pouvez-vous me dire quand elle sera livrée ?", "puis-je changer l'adresse ?"]

    [done] = correct(message, by=agent, asks=asks)

    message.refresh_from_db()
    text = message.new_text
    assert [text[a["start"] : a["end"]] for a in message.asks] == asks
    assert done.after == asks
    _, ask_examples = corrected_examples()
    assert [[s.text for s in e.asks] for e in ask_examples] == [asks]


def test_a_wrong_correction_is_refused_with_a_clear_message_and_changes_nothing(blob_store, agent):
    [message] = receive(blob_store, make_mail(message_id="o@example.fr", body=ORDER))
    before = (message.kind, message.asks)

    with pytest.raises(CorrectionError, match="unknown kind 'warranty_claim'"):
        correct(message, by=agent, kind="warranty_claim")
    with pytest.raises(CorrectionError, match="passage of the message's new text"):
        correct(message, by=agent, kind="complaint", asks=["Où est mon colis ?"])
    with pytest.raises(CorrectionError, match="unknown language 'de'"):
        correct(message, by=agent, language="de")

    message.refresh_from_db()
    assert (message.kind, message.asks) == before
    assert not Correction.objects.exists()
    assert correct(message, by=agent, kind=message.kind) == []  # nothing to correct


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.one_of(st.none(), st.text(max_size=40)),
    language=st.one_of(st.none(), st.text(max_size=5)),
    asks=st.one_of(st.none(), st.lists(st.text(max_size=60), max_size=4)),
)
def test_any_input_is_applied_or_refused_in_words(blob_store, agent, kind, language, asks):
    message = Message.objects.filter(direction="inbound").first()
    if message is None:
        [message] = receive(blob_store, make_mail(message_id="o@example.fr", body=ORDER))
    try:
        correct(message, by=agent, kind=kind, language=language, asks=asks)
    except CorrectionError as error:
        assert_refused_in_words(str(error))


def assert_refused_in_words(refusal: str) -> None:
    assert refusal.startswith(("unknown kind", "unknown language", "each ask must be"))


WARRANTY = [
    (
        "Garantie",
        "Bonjour, ma lampe Orion achetée il y a un an ne s'allume plus. Elle est "
        "encore sous garantie : comment faire jouer la garantie ?",
    ),
    (
        "Prise en charge garantie",
        "Bonjour, le variateur de mon lampadaire a lâché après "
        "8 mois. Je voudrais une réparation sous garantie, ticket de caisse joint.",
    ),
    (
        "Garantie deux ans",
        "Madame, Monsieur, l'abat-jour s'est fendu tout seul. Le produit "
        "a moins de deux ans, il est donc couvert par la garantie légale. Merci de le remplacer.",
    ),
    (
        "Warranty claim",
        "Hello, my Orion lamp stopped working after ten months. It is "
        "still under warranty, how do I make a warranty claim?",
    ),
    (
        "Warranty",
        "Hi, the dimmer on my floor lamp failed within the warranty period. "
        "I'd like it repaired or replaced under warranty, receipt attached.",
    ),
    (
        "Under warranty?",
        "Good morning, the shade cracked by itself and the lamp is only a "
        "year old. Is this covered by your two-year warranty?",
    ),
]


def test_retrain_learns_a_category_of_the_company_from_corrections(blob_store, agent):
    Category.objects.create(slug="warranty_claim", name="Warranty claim / Garantie")
    mails = [
        make_mail(message_id=f"w{i}@example.fr", subject=s, sender=f"c{i}@example.fr", body=b)
        for i, (s, b) in enumerate(WARRANTY)
    ]
    for message in receive(blob_store, *mails):
        correct(message, by=agent, kind="warranty_claim")
    unseen = (
        "Panne sous garantie",
        "Bonjour, mon applique murale ne marche plus après "
        "six mois. Elle est sous garantie, que dois-je faire ?",
    )
    assert bundled_reader().read(*unseen).kind != "warranty_claim"

    out = StringIO()
    call_command("nlp", "retrain", stdout=out)

    assert "warranty_claim: 6 corrected messages" in out.getvalue()
    trained = TrainedModel.objects.get()
    assert current_reader().version == trained.version != bundled_reader().version
    assert current_reader().read(*unseen).kind == "warranty_claim"
    # ...and new mail is read with it.
    [*_, new] = receive(
        blob_store,
        make_mail(
            message_id="n@example.fr", subject=unseen[0], sender="n@example.fr", body=unseen[1]
        ),
    )
    assert (new.kind, new.ticket.kind, new.nlp_version) == (
        "warranty_claim",
        "warranty_claim",
        trained.version,
    )


def test_a_category_with_too_few_corrections_waits(blob_store, agent):
    Category.objects.create(slug="warranty_claim", name="Warranty claim")
    [message] = receive(blob_store, make_mail(message_id="w@example.fr", body=WARRANTY[0][1]))
    correct(message, by=agent, kind="warranty_claim")

    out = StringIO()
    call_command("nlp", "retrain", stdout=out)

    assert "warranty_claim: 1 corrected messages (too few: not learned yet)" in out.getvalue()
    assert "warranty_claim" not in current_reader().kinds.kinds  # type: ignore[attr-defined]
