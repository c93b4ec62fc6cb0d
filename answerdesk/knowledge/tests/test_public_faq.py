"""The public FAQ through HTTP: browsing and reading in both languages, search, related
articles and "did this answer your question?"."""

from __future__ import annotations

import pytest
from django.test import Client

from answerdesk.knowledge.models import Article, ArticleFeedback, Category

pytestmark = pytest.mark.django_db


def slugs(articles) -> list[str]:
    return [a.slug for a in articles]


# --- browsing ------------------------------------------------------------------------------


def test_the_demo_faq_is_filed_in_five_categories_named_in_both_languages(demo_faq):
    delivery = Category.objects.get(slug="delivery")
    assert (delivery.name_fr, delivery.name_en) == ("Livraison et suivi", "Delivery and tracking")
    assert Category.objects.count() == 5
    assert not Article.objects.filter(category__isnull=True).exists()
    assert Category.objects.values_list("slug", flat=True).first() == "delivery"


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("fr", ["Livraison et suivi", "Délais de livraison"], ["Delivery times"]),
        ("en", ["Delivery and tracking", "Delivery times"], ["Délais de livraison"]),
    ],
)
def test_the_faq_lists_its_categories_and_questions_in_each_language(
    client: Client, demo_faq, language, shown, not_shown
):
    page = client.get(f"/faq/{language}/")

    assert page.status_code == 200
    text = page.content.decode()
    for expected in shown:
        assert expected in text
    for unexpected in not_shown:
        assert unexpected not in text
    assert f'href="/faq/{language}/categories/delivery/"' in text


@pytest.mark.parametrize(("accept", "language"), [("fr-FR,fr;q=0.9", "fr"), ("en", "en")])
def test_the_faq_opens_in_the_visitors_language(client: Client, accept, language):
    page = client.get("/faq/", HTTP_ACCEPT_LANGUAGE=accept)
    assert page.status_code == 302
    assert page["Location"] == f"/faq/{language}/"


def test_a_language_the_faq_does_not_have_is_not_found(client: Client, demo_faq):
    assert client.get("/faq/de/").status_code == 404
    assert client.get("/faq/de/delivery-times/").status_code == 404


def test_an_article_is_at_the_address_acknowledgements_link_to(
    client: Client, delivery_fr, settings
):
    settings.ANSWERDESK_PUBLIC_URL = "https://help.example.fr"
    path = delivery_fr.url.removeprefix("https://help.example.fr")
    assert path == "/faq/fr/delais-de-livraison/"

    page = client.get(path)

    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Délais de livraison</h1>" in text
    assert '<article class="faq-article" lang="fr">' in text
    assert "<p>Les articles en stock sont préparés" in text
    # Its English version, for a reader of English and for search engines.
    assert 'hreflang="en" href="/faq/en/delivery-times/"' in text
    # Its category, in the article's language.
    assert 'href="/faq/fr/categories/delivery/" lang="fr">Livraison et suivi</a>' in text


def test_a_draft_or_a_missing_article_is_not_found(client: Client, delivery_fr):
    Article.objects.filter(pk=delivery_fr.pk).update(published=False)
    assert client.get("/faq/fr/delais-de-livraison/").status_code == 404
    assert client.get("/faq/fr/no-such-article/").status_code == 404
    assert client.get("/faq/en/delais-de-livraison/").status_code == 404  # French only


def test_a_category_page_lists_its_articles_in_the_pages_language(client: Client, demo_faq):
    page = client.get("/faq/en/categories/returns/")

    assert page.status_code == 200
    # By title: "30-day returns", "Item damaged on arrival", "Refunds".
    assert slugs(page.context["page"]) == ["returns-policy", "damaged-items", "refunds"]
    assert client.get("/faq/en/categories/nothing-here/").status_code == 404


def test_the_home_page_offers_the_faq_search_and_its_categories(client: Client, demo_faq):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    text = page.content.decode()
    assert page.status_code == 200
    assert '<form class="faq-search" action="/faq/fr/" method="get" role="search">' in text
    assert '<label for="id_q">' in text
    assert 'href="/faq/fr/categories/returns/">Retours et remboursements</a>' in text
    assert '<a href="/faq/">FAQ</a>' in text  # in the site's navigation


def main_part(page) -> str:
    text: str = page.content.decode()
    return text[text.index('<main id="content">') : text.index("</main>")]


def test_the_faq_needs_no_script(client: Client, delivery_fr):
    # Search is a GET form, feedback a POST form: the content holds no script at all.
    paths = ["/", "/faq/fr/", "/faq/fr/?q=livraison", "/faq/fr/categories/delivery/"]
    for path in [*paths, "/faq/fr/delais-de-livraison/"]:
        assert "<script" not in main_part(client.get(path)), path


# --- search --------------------------------------------------------------------------------


def test_a_french_query_finds_the_french_article(client: Client, demo_faq):
    page = client.get("/faq/fr/", {"q": "Combien coûte la livraison en Suisse ?"})

    assert page.status_code == 200
    found = page.context["results"]
    assert found[0].slug == "frais-et-pays-de-livraison"
    assert {a.language for a in found} == {"fr"}
    assert 'href="/faq/fr/frais-et-pays-de-livraison/"' in page.content.decode()


def test_an_english_query_finds_the_english_article(client: Client, demo_faq):
    page = client.get("/faq/en/", {"q": "I forgot my password"})

    found = page.context["results"]
    assert found[0].slug == "account-and-password"
    assert {a.language for a in found} == {"en"}


def test_each_topic_is_shown_once_in_the_pages_language(client: Client, demo_faq):
    found = client.get("/faq/en/", {"q": "carte cadeau"}).context["results"]

    assert found[0].slug == "gift-cards"  # a French query on the English FAQ
    topics = [a.topic for a in found]
    assert len(topics) == len(set(topics))


def test_an_article_in_the_other_language_only_is_found_and_marked(client: Client, demo_faq):
    Article.objects.create(
        slug="retrait-en-magasin",
        language="fr",
        title="Retrait en magasin à Lyon",
        question="Puis-je retirer ma commande dans votre boutique de Lyon ?",
        answer="Oui : choisissez « retrait en magasin », votre commande vous attend sous 48 h.",
    )
    page = client.get("/faq/en/", {"q": "Can I collect my order from your shop in Lyon?"})

    assert page.context["results"][0].slug == "retrait-en-magasin"
    assert '<span class="faq-tag">Français</span>' in page.content.decode()


def test_a_query_about_nothing_the_faq_covers_finds_nothing(client: Client, demo_faq):
    page = client.get("/faq/fr/", {"q": "recette du gâteau au chocolat"})

    assert page.status_code == 200
    assert page.context["results"] == []
    assert "No article answers this yet" in page.content.decode()


def test_an_empty_query_shows_the_categories(client: Client, demo_faq):
    page = client.get("/faq/fr/", {"q": "   "})
    assert page.context["results"] is None
    assert page.context["shelves"]


# --- related articles ----------------------------------------------------------------------


def test_an_article_shows_related_articles_in_its_language(client: Client, delivery_fr):
    related = client.get("/faq/fr/delais-de-livraison/").context["related"]

    assert "frais-et-pays-de-livraison" in slugs(related)
    assert {a.language for a in related} == {"fr"}
    assert "delais-de-livraison" not in slugs(related)
    assert all(a.topic != "delivery-times" for a in related)  # nor itself in English
    assert 1 <= len(related) <= 4


def test_an_article_with_no_near_neighbour_gets_its_categorys_others(client: Client, demo_faq):
    lonely = Article.objects.create(
        slug="horaires-du-standard",
        language="fr",
        title="Horaires du standard",
        question="À quelle heure le standard ouvre-t-il ?",
        answer="Le standard répond du lundi au vendredi de 9 h à 18 h.",
        category=Category.objects.get(slug="account"),
    )
    related = client.get(f"/faq/fr/{lonely.slug}/").context["related"]

    assert {a.category.slug for a in related} >= {"account"}
    assert lonely.slug not in slugs(related)


# --- "did this answer your question?" -----------------------------------------------------


def vote(client: Client, article: Article, helpful: str, comment: str = ""):
    data = {"helpful": helpful, "comment": comment}
    return client.post(f"/faq/{article.language}/{article.slug}/", data)


def test_the_question_is_a_labelled_choice_that_works_from_the_keyboard(
    client: Client, delivery_fr
):
    text = client.get("/faq/fr/delais-de-livraison/").content.decode()

    assert "<legend><h2>Did this answer your question?</h2></legend>" in text
    for n, label in enumerate(["Yes", "No"]):
        radio = f'value="{label.lower()}" id="id_helpful_{n}" required>'
        assert radio + f'<label for="id_helpful_{n}">{label}</label>' in text
    assert '<label for="id_comment">' in text
    assert '<button type="submit" class="primary">' in text


def test_a_visitors_answer_is_recorded_once_per_session(client: Client, delivery_fr):
    first = vote(client, delivery_fr, "yes", "Clair et précis.")

    assert first.status_code == 302
    assert first["Location"] == "/faq/fr/delais-de-livraison/#feedback"
    again = vote(client, delivery_fr, "no", "Finalement non")
    assert again.status_code == 302
    [stored] = ArticleFeedback.objects.all()
    assert (stored.article, stored.helpful, stored.comment) == (
        delivery_fr,
        True,
        "Clair et précis.",
    )
    # The page thanks them instead of asking again.
    page = client.get("/faq/fr/delais-de-livraison/")
    assert page.context["voted"] == "yes"
    assert 'name="helpful"' not in page.content.decode()
    # The session key itself is not kept.
    key = client.session.session_key
    assert key
    assert key not in stored.session


def test_another_session_and_another_article_count_apart(client: Client, delivery_fr):
    other = Article.objects.get(language="fr", slug="suivi-de-commande")
    vote(client, delivery_fr, "yes")
    vote(client, other, "no")
    vote(Client(), delivery_fr, "no")

    assert ArticleFeedback.objects.filter(article=delivery_fr).count() == 2
    assert ArticleFeedback.objects.filter(article=other, helpful=False).count() == 1


def test_the_database_keeps_one_answer_per_session_even_if_the_session_forgot(
    client: Client, delivery_fr
):
    vote(client, delivery_fr, "yes")
    session = client.session
    session["faq_feedback"] = {}
    session.save()

    page = vote(client, delivery_fr, "no")

    assert page.status_code == 302
    assert ArticleFeedback.objects.get().helpful is True


def test_an_answer_without_yes_or_no_is_refused(client: Client, delivery_fr):
    page = vote(client, delivery_fr, "maybe")

    assert page.status_code == 400
    assert "Choose yes or no." in page.content.decode()
    assert not ArticleFeedback.objects.exists()


def test_an_oversized_comment_is_refused_with_the_limit(client: Client, delivery_fr):
    page = vote(client, delivery_fr, "no", "x" * 1001)

    assert page.status_code == 400
    assert "Comments are limited to 1000 characters (this one has 1001)" in page.content.decode()
    assert not ArticleFeedback.objects.exists()


def test_no_feedback_on_a_draft(client: Client, delivery_fr):
    Article.objects.filter(pk=delivery_fr.pk).update(published=False)
    assert vote(client, delivery_fr, "yes").status_code == 404
    assert not ArticleFeedback.objects.exists()
