"""The demo FAQ, as `answerdesk demo` loads it: 16 topics in French and English, 5 categories."""

from __future__ import annotations

import pytest

from answerdesk.knowledge.actions import load_articles
from answerdesk.knowledge.models import Article
from answerdesk.tickets.management.commands.demo import DEMO_FAQ


@pytest.fixture
def demo_faq(db: None) -> None:
    load_articles(DEMO_FAQ)


@pytest.fixture
def delivery_fr(demo_faq: None) -> Article:
    return Article.objects.get(language="fr", slug="delais-de-livraison")
