"""Forms of the bot pages; saving goes through bots.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ai.models import AIConfig
from bots.services import MAX_QUESTION_CHARS


class BotForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=40, help_text=gettext_lazy("Mention it in a memo as @name.")
    )
    description = forms.CharField(
        label=gettext_lazy("Persona"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Who it is and how it answers, e.g. “A gentle coach who asks one good question.”"),
    )  # fmt: skip
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Comma-separated: it answers memos with these."),
    )
    auto_reply = forms.BooleanField(required=False, label=gettext_lazy("Answer every new memo"))
    avatar_url = forms.URLField(label=gettext_lazy("Avatar URL"), required=False, max_length=500)
    avatar = forms.ImageField(
        label=gettext_lazy("Avatar"), required=False, help_text=gettext_lazy("Or upload a picture (at most 2 MiB).")
    )
    ai_config = forms.ModelChoiceField(
        queryset=AIConfig.objects.all(), required=False, to_field_name="key", label=gettext_lazy("AI config"),
        empty_label=gettext_lazy("Default (bot, else chat)"),
    )  # fmt: skip
    model = forms.CharField(
        label=gettext_lazy("Model"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Empty: the config's model."),
    )
    vision = forms.BooleanField(
        required=False, label=gettext_lazy("Its model reads images (the memo's pictures go along)")
    )

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class AskForm(forms.Form):
    bot = forms.UUIDField(label=gettext_lazy("Bot"), widget=forms.HiddenInput)
    parent = forms.UUIDField(label=gettext_lazy("Reply"), required=False, widget=forms.HiddenInput)
    question = forms.CharField(
        label=gettext_lazy("Question"), max_length=MAX_QUESTION_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )
