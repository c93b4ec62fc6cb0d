"""The desk's FAQ editor: who may edit, what an edit changes on the public site, and the
feedback counts editors see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from answerdesk.knowledge.access import may_edit_faq
from answerdesk.knowledge.models import Article, ArticleFeedback, Category

pytestmark = pytest.mark.django_db

EDITOR_PAGES = [
    "/desk/faq/",
    "/desk/faq/new/",
    "/desk/faq/{article}/",
    "/desk/faq/categories/",
    "/desk/faq/categories/new/",
    "/desk/faq/categories/{category}/",
]


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor", "sofia")


@pytest.fixture
def editing(client: Client, supervisor) -> Client:
    client.force_login(supervisor)
    return client


def pages(article: Article) -> list[str]:
    category = article.category_id
    return [p.format(article=article.pk, category=category) for p in EDITOR_PAGES]


def new_article(**fields) -> dict[str, str]:
    data = {
        "title": "Retrait en magasin",
        "language": "fr",
        "slug": "",
        "topic": "store-pickup",
        "question": "Puis-je retirer ma commande en boutique ?",
        "answer": "Oui, dans notre boutique de Lyon.\n\nPrévoyez une pièce d'identité.",
        "published": "on",
        "category": "",
    }
    return {**data, **fields}


# --- who may edit ------------------------------------------------------------------------


def test_an_agent_is_refused_every_editor_page(client: Client, make_staff, delivery_fr):
    client.force_login(make_staff("agent", "camille"))

    for path in pages(delivery_fr):
        assert client.get(path).status_code == 403, path
    assert client.post("/desk/faq/new/", new_article()).status_code == 403
    assert client.post(f"/desk/faq/{delivery_fr.pk}/delete/", {"confirm": "yes"}).status_code == 403
    assert Article.objects.filter(pk=delivery_fr.pk).exists()
    assert not Article.objects.filter(slug="retrait-en-magasin").exists()


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_may_edit(client: Client, make_staff, delivery_fr, role):
    client.force_login(make_staff(role, "boss"))
    for path in pages(delivery_fr):
        assert client.get(path).status_code == 200, path


def test_an_agent_given_the_permission_may_edit(client: Client, make_staff, delivery_fr):
    writer = make_staff("agent", "hugo")
    writer.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(writer)

    for path in pages(delivery_fr):
        assert client.get(path).status_code == 200, path


def test_outsiders_get_nothing(client: Client, django_user_model, delivery_fr):
    assert client.get("/desk/faq/").status_code == 302  # to the login page
    # A permission alone does not make a member of the desk.
    outsider = django_user_model.objects.create_user("guest", "g@x.test", "x")
    outsider.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(outsider)
    assert client.get("/desk/faq/").status_code == 404
    assert not may_edit_faq(outsider)


def test_the_desk_header_links_to_the_editor_for_editors_only(client: Client, make_staff):
    client.force_login(make_staff("agent", "camille"))
    assert 'href="/desk/faq/"' not in client.get("/desk/inbox/mine/").content.decode()
    client.force_login(make_staff("supervisor", "sofia"))
    assert 'href="/desk/faq/"' in client.get("/desk/inbox/mine/").content.decode()
    # The permission given to a group of writers works as well as to a user.
    writer = make_staff("agent", "hugo")
    writers = Group.objects.create(name="faq writers")
    writers.permissions.add(Permission.objects.get(codename="change_article"))
    writer.groups.add(writers)
    client.force_login(writer)
    assert 'href="/desk/faq/"' in client.get("/desk/inbox/mine/").content.decode()
    assert client.get("/desk/faq/").status_code == 200


# --- editing -------------------------------------------------------------------------------


def test_a_new_article_is_on_the_public_site_and_found_at_once(editing: Client, demo_faq):
    category = Category.objects.get(slug="orders-and-payment")
    response = editing.post("/desk/faq/new/", new_article(category=str(category.pk)))

    made = Article.objects.get(language="fr", slug="retrait-en-magasin")  # slug from the title
    assert response.status_code == 302
    assert response["Location"] == f"/desk/faq/{made.pk}/"
    assert made.category == category
    page = Client().get("/faq/fr/retrait-en-magasin/")
    assert "<p>Oui, dans notre boutique de Lyon.</p>" in page.content.decode()
    found = Client().get("/faq/fr/", {"q": "retirer ma commande en boutique"})
    assert found.context["results"][0] == made


def test_an_edit_shows_and_an_unpublished_article_leaves(editing: Client, delivery_fr):
    data = new_article(
        title="Délais de livraison 2027",
        slug=delivery_fr.slug,
        topic=delivery_fr.topic,
        question=delivery_fr.question,
        answer=delivery_fr.answer,
        category=str(delivery_fr.category_id),
    )
    assert editing.post(f"/desk/faq/{delivery_fr.pk}/", data).status_code == 302
    assert (
        "Délais de livraison 2027" in Client().get("/faq/fr/delais-de-livraison/").content.decode()
    )

    del data["published"]
    editing.post(f"/desk/faq/{delivery_fr.pk}/", data)
    assert Client().get("/faq/fr/delais-de-livraison/").status_code == 404
    found = Client().get("/faq/fr/", {"q": "Délais de livraison 2027"}).context["results"]
    assert delivery_fr.pk not in [a.pk for a in found]


def test_a_slug_taken_in_the_same_language_is_refused(editing: Client, delivery_fr):
    response = editing.post("/desk/faq/new/", new_article(slug="delais-de-livraison"))

    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Article.objects.filter(slug="delais-de-livraison").count() == 1
    # The same slug in the other language is another address.
    assert editing.post("/desk/faq/new/", new_article(slug="delais-de-livraison", language="en"))
    assert Article.objects.filter(slug="delais-de-livraison").count() == 2


def test_an_oversized_answer_is_refused(editing: Client, demo_faq):
    response = editing.post("/desk/faq/new/", new_article(answer="x" * 20_001))
    assert response.status_code == 400
    assert not Article.objects.filter(slug="retrait-en-magasin").exists()


def test_deleting_asks_for_confirmation(editing: Client, delivery_fr):
    editing.post(f"/desk/faq/{delivery_fr.pk}/delete/")
    assert Article.objects.filter(pk=delivery_fr.pk).exists()
    response = editing.post(f"/desk/faq/{delivery_fr.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=delivery_fr.pk).exists()


def test_categories_are_named_in_both_languages_and_deleting_one_keeps_its_articles(
    editing: Client, demo_faq
):
    data = {
        "name_fr": "Magasins",
        "name_en": "Shops",
        "slug": "shops",
        "description_fr": "Nos boutiques",
        "description_en": "Our shops",
        "position": "9",
    }
    assert editing.post("/desk/faq/categories/new/", data).status_code == 302
    shops = Category.objects.get(slug="shops")
    assert (shops.name("fr"), shops.name("en")) == ("Magasins", "Shops")

    delivery = Category.objects.get(slug="delivery")
    editing.post(f"/desk/faq/categories/{delivery.pk}/delete/", {"confirm": "yes"})
    assert not Category.objects.filter(slug="delivery").exists()
    orphan = Article.objects.get(language="fr", slug="delais-de-livraison")
    assert orphan.category is None
    assert "Délais de livraison" in Client().get("/faq/fr/").content.decode()  # "Other questions"


# --- what visitors said --------------------------------------------------------------------


def test_editors_see_each_articles_feedback_counts_and_comments(editing: Client, delivery_fr):
    for n, (helpful, comment) in enumerate([("yes", ""), ("no", "Et pour la Corse ?"), ("no", "")]):
        visitor = Client()
        response = visitor.post(
            "/faq/fr/delais-de-livraison/", {"helpful": helpful, "comment": comment}
        )
        assert response.status_code == 302, n

    listing = editing.get("/desk/faq/", {"sort": "unhelpful"})
    top = listing.context["page"][0]
    assert (top.pk, top.helpful_count, top.unhelpful_count, top.comment_count) == (
        delivery_fr.pk,
        1,
        2,
        1,
    )
    page = editing.get(f"/desk/faq/{delivery_fr.pk}/")
    summary = page.context["feedback"]
    assert (summary.helpful, summary.unhelpful, summary.helpful_share) == (1, 2, 33)
    assert "Et pour la Corse ?" in page.content.decode()


def test_a_hostile_comment_reaches_the_editor_escaped(editing: Client, delivery_fr):
    comment = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    Client().post("/faq/fr/delais-de-livraison/", {"helpful": "no", "comment": comment})

    assert ArticleFeedback.objects.get().comment == comment  # kept as written
    text = editing.get(f"/desk/faq/{delivery_fr.pk}/").content.decode()
    assert comment not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
