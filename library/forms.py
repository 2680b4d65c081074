from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from library.models import Review


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        choices=[("", gettext_lazy("No rating")), *[(n, "★" * n) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Review
        fields = ["rating", "progress", "review_text"]
        labels = {"review_text": gettext_lazy("Review"), "progress": gettext_lazy("Progress")}
        widgets = {"review_text": forms.Textarea(attrs={"rows": 3})}


class ScanForm(forms.Form):
    dry_run = forms.BooleanField(required=False, label=gettext_lazy("Dry run (only report what would change)"))


class ListenerSettingsForm(forms.Form):
    show_nsfw = forms.BooleanField(required=False, label=gettext_lazy("Show works marked nsfw in the library"))


class PlaylistForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
