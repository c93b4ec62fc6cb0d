"""The desk's FAQ editor routes, under /desk/faq/ (names in the desk's namespace)."""

from django.urls import path

from answerdesk.desk import faq_editor

urlpatterns = [
    path("", faq_editor.articles, name="faq_articles"),
    path("new/", faq_editor.article, name="faq_article_new"),
    path("<int:pk>/", faq_editor.article, name="faq_article"),
    path("<int:pk>/delete/", faq_editor.delete_article, name="faq_article_delete"),
    path("categories/", faq_editor.categories, name="faq_categories"),
    path("categories/new/", faq_editor.category, name="faq_category_new"),
    path("categories/<int:pk>/", faq_editor.category, name="faq_category"),
    path("categories/<int:pk>/delete/", faq_editor.delete_category, name="faq_category_delete"),
]
