"""Forms of the game stats pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gamestats import guild_settings, leaderboards
from gamestats.snowflakes import validate_snowflake


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=gettext_lazy("Discord id or name"))


class LeaderboardForm(forms.Form):
    by = forms.ChoiceField(choices=list(leaderboards.LABELS.items()), required=False, label=gettext_lazy("Rank by"))
    guild = forms.CharField(
        required=False, max_length=20, validators=[validate_snowflake], label=gettext_lazy("Guild id")
    )
    min_games = forms.IntegerField(
        required=False, min_value=1, max_value=1_000_000, label=gettext_lazy("Minimum games (win rate)")
    )


class BlacklistForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The bot tells the user this."),
    )


class GuildSettingsForm(forms.Form):
    settings = forms.CharField(
        label=gettext_lazy("Settings"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "mono"}),
        help_text=gettext_lazy(
            "A JSON object: prefix, language, disabled_commands, welcome_channel_id, log_channel_id, "
            "games_enabled, daily_limit_multiplier, and any keys of the bot's own."
        ),
    )

    def clean_settings(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["settings"])
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("Not valid JSON: %(msg)s (line %(lineno)s, column %(colno)s).")
                % {"msg": error.msg, "lineno": error.lineno, "colno": error.colno}
            ) from None
        return guild_settings.clean(value)
