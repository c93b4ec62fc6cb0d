"""The public FAQ's routes, under /faq/. An article lives at /faq/<language>/<slug>/: links of
that shape go out in acknowledgements (Article.url), so it must never move."""

from django.urls import path, register_converter

from answerdesk.knowledge import views
from answerdesk.knowledge.models import LANGUAGES


class LanguageConverter:
    """Only the FAQ's languages: /faq/de/… is a 404, not an empty FAQ."""

    regex = "|".join(code for code, _ in LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "faq_language")

app_name = "knowledge"
# Pages other than articles take no path segment or two, so that no article slug,
# "categories" included, can hide one of them.
urlpatterns = [
    path("", views.root, name="root"),
    path("<faq_language:language>/", views.index, name="index"),
    path("<faq_language:language>/categories/<slug:slug>/", views.category, name="category"),
    # GET reads the article, POST answers "did this answer your question?".
    path("<faq_language:language>/<slug:slug>/", views.article, name="article"),
]
