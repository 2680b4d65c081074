"""Forms of the memo pages; saving goes through memos.notes.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from memos.models import MOODS, Diary, Visibility
from memos.notes.services import MAX_CONTENT_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class MemoForm(forms.Form):
    content = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": gettext_lazy("Write in Markdown… #tags work anywhere")}),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Comma-separated, besides the #tags in the text."),
    )
    files = MultipleFileField(required=False, label=gettext_lazy("Attachments"))  # type: ignore[assignment]  # a field, not form.files
    # Not required: a form without it (an older page, a script) keeps the memo's visibility, or private when new.
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who can read it"), choices=Visibility.choices, initial=Visibility.PRIVATE, required=False
    )
    revision = forms.IntegerField(label=gettext_lazy("Revision"), required=False, widget=forms.HiddenInput)

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=200)
    mode = forms.ChoiceField(
        label=gettext_lazy("Search by"),
        choices=[
            ("keyword", gettext_lazy("Words")),
            ("semantic", gettext_lazy("Meaning")),
            ("hybrid", gettext_lazy("Both")),
        ],
        required=False,
        initial="keyword",
    )
    tag = forms.CharField(label=gettext_lazy("Tag"), required=False, max_length=64)


class DiaryForm(forms.ModelForm):
    mood_key = forms.ChoiceField(choices=[("", "—"), *MOODS.items()], required=False, label=gettext_lazy("Mood"))

    class Meta:
        model = Diary
        fields = ["summary", "mood_key", "mood_score"]
        labels = {"summary": gettext_lazy("Summary"), "mood_score": gettext_lazy("Mood score")}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "mood_score": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }
