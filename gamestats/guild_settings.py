"""What a guild's bot settings may hold, as a JSON Schema, so staff edits and the bot agree on the shape."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 16_384

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "prefix": {"type": "string", "minLength": 1, "maxLength": 5},
        "language": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
        "disabled_commands": {"type": "array", "items": {"type": "string", "maxLength": 100}, "uniqueItems": True},
        "welcome_channel_id": {"type": ["string", "null"], "pattern": "^[1-9][0-9]{16,19}$"},
        "log_channel_id": {"type": ["string", "null"], "pattern": "^[1-9][0-9]{16,19}$"},
        "games_enabled": {"type": "boolean"},
        "daily_limit_multiplier": {"type": "number", "minimum": 0, "maximum": 10},
    },
    # The bot may keep settings of its own; they only have to be JSON.
    "additionalProperties": True,
}
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def clean(value: Any) -> dict[str, Any]:
    """`value` if it is a valid settings object, else a ValidationError listing every problem."""
    if not isinstance(value, dict):
        raise ValidationError(_('Guild settings must be a JSON object, like {"prefix": "!"}.'))
    if len(json.dumps(value)) > MAX_BYTES:
        raise ValidationError(
            _("Guild settings are limited to %(limit)s bytes of JSON.") % {"limit": format(MAX_BYTES, ",")}
        )
    problems = sorted(_VALIDATOR.iter_errors(value), key=lambda error: list(error.path))
    if problems:
        raise ValidationError([_describe(error) for error in problems])
    return value


def _describe(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.path) or "settings"
    return f"{where}: {error.message}"
