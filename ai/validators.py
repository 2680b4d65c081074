"""What a provider can be sent: checked where configs come in (API, admin, environment), so a bad value is a
clear error on input instead of every later provider call failing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

# An API key travels in an HTTP header: printable ASCII without spaces (what every provider issues).
_KEY = re.compile(r"[\x21-\x7e]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_http_url = URLValidator(schemes=["http", "https"])


def api_key_problem(value: str) -> str | None:
    """Why `value` can't be an API key, or None."""
    if not value or _KEY.fullmatch(value):
        return None
    odd = next(char for char in value if not _KEY.fullmatch(char))
    shown = repr(odd) if odd.isprintable() and not odd.isspace() else f"U+{ord(odd):04X}"
    return (
        f"An API key is letters, digits and punctuation without spaces; this one has {shown}. "
        "Copy it from your provider again."
    )


def validate_api_key(value: str) -> None:
    problem = api_key_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_api_key")


def validate_base_url(value: str) -> None:
    """An http(s) address without credentials or fragment (a key goes in the API key field, encrypted)."""
    _http_url(value)
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ValidationError(
            _("Put the key in the API key field (it is stored encrypted), not in the address."), code="credentials"
        )
    if parts.fragment:
        raise ValidationError(_("The address can't have a #fragment."), code="fragment")


def validate_model_name(value: str) -> None:
    """A model name as providers spell them (`llama3:8b`, `Qwen/Qwen2.5-7B-Instruct`): no control characters,
    no space at either end."""
    if _CONTROL.search(value) or value != value.strip():
        raise ValidationError(
            _("A model name has no line breaks, tabs or spaces at either end."), code="invalid_model_name"
        )
