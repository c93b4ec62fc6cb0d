"""What the FAQ's forms accept: visitors' searches and feedback, editors' articles."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from answerdesk.knowledge.models import Article, Category

# A question is a sentence or two; anything longer is pasted text or an attack, and the
# encoder's time grows with it.
MAX_QUERY_CHARS = 200
MAX_COMMENT_CHARS = 1000
MAX_ANSWER_CHARS = 20_000
# Control characters other than tab and line breaks: invisible, and nothing a person types.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the FAQ"),
        max_length=MAX_QUERY_CHARS,
        required=False,
        widget=forms.SearchInput,
        error_messages={
            "max_length": _(
                "Searches are limited to %(limit_value)d characters (this one has "
                "%(show_value)d): ask your question in fewer words."
            ),
        },
    )

    def clean_q(self) -> str:
        return " ".join(without_controls(self.cleaned_data["q"]).split())


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did this answer your question?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=MAX_COMMENT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Comments are limited to %(limit_value)d characters (this one has "
                "%(show_value)d). To tell us more, write to us."
            ),
        },
    )

    def clean_comment(self) -> str:
        return without_controls(self.cleaned_data["comment"]).strip()


class ArticleForm(forms.ModelForm[Article]):
    answer = forms.CharField(
        label=_("answer"),
        max_length=MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text: blank lines separate paragraphs."),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "language",
            "slug",
            "category",
            "topic",
            "question",
            "answer",
            "published",
        ]
        help_texts = {
            "slug": _("The last part of the public address; made from the title if left blank."),
            "topic": _("The same word on the French and English versions of one answer."),
            "question": _("The question as a customer would ask it."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("title", "question", "answer"):
            if data.get(name):
                data[name] = without_controls(data[name]).strip()
        if not data.get("slug") and data.get("title"):
            # Before the model's checks run: the (language, slug) constraint covers it too.
            data["slug"] = slugify(data["title"])[:120] or "article"
        return data


class CategoryForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = ["name_fr", "name_en", "slug", "description_fr", "description_en", "position"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("name_fr", "name_en", "description_fr", "description_en"):
            if data.get(name):
                data[name] = without_controls(data[name]).strip()
        return data
