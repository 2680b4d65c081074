"""Typed, cached access to `SiteSetting` rows.

Every setting is declared once with its type and default; a missing row means the default. Other apps
declare theirs with `register()` from their AppConfig.ready(). Reads are cached for CACHE_SECONDS, so
another process sees a change within that time; the writing process sees it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import SiteSetting

CACHE_SECONDS = 30
_MISSING = object()


@dataclass(frozen=True)
class Definition:
    """What a setting holds: its JSON type, its default, and a sentence for the admin."""

    key: str
    kind: type
    default: Any
    help: str
    nullable: bool = False
    minimum: int | None = None
    check: Callable[[Any], None] | None = None

    def clean(self, value: Any) -> Any:
        """Return `value` if it fits this setting, else raise ValidationError saying why."""
        if value is None:
            if self.nullable:
                return None
            raise ValidationError(_("%(key)s can't be empty.") % {"key": self.key})
        # bool is an int in Python; keep them apart so `true` is not a valid number of days.
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            raise ValidationError(
                _("%(key)s must be a %(name)s, not %(value)s.")
                % {"key": self.key, "name": self.kind.__name__, "value": repr(value)}
            )
        if self.minimum is not None and isinstance(value, int) and value < self.minimum:
            raise ValidationError(
                _("%(key)s must be at least %(minimum)s.") % {"key": self.key, "minimum": self.minimum}
            )
        if self.check:
            self.check(value)
        return value


DEFINITIONS: dict[str, Definition] = {}


def register(definition: Definition) -> None:
    """Declare a setting (idempotent, so reloading an app is harmless)."""
    DEFINITIONS[definition.key] = definition


def definition(key: str) -> Definition:
    try:
        return DEFINITIONS[key]
    except KeyError:
        raise KeyError(f"Unknown site setting {key!r}; declare it with accounts.site_settings.register().") from None


def _cache_key(key: str) -> str:
    return f"site-setting:{key}"


def get(key: str) -> Any:
    """The setting's value, or its default when no row exists."""
    spec = definition(key)
    cached = cache.get(_cache_key(key), _MISSING)
    if cached is not _MISSING:
        return cached
    from accounts.models import SiteSetting

    row = SiteSetting.objects.filter(key=key).values_list("value", flat=True).first()
    value = spec.default if row is None else row
    cache.set(_cache_key(key), value, CACHE_SECONDS)
    return value


def set_value(key: str, value: Any) -> SiteSetting:
    """Validate and store a setting; returns its row."""
    from accounts.models import SiteSetting

    row, _created = SiteSetting.objects.update_or_create(key=key, defaults={"value": definition(key).clean(value)})
    forget(key)
    transaction.on_commit(lambda: forget(key))  # and again, in case a read cached it mid-transaction
    return row


def forget(key: str) -> None:
    cache.delete(_cache_key(key))


register(
    Definition(
        key="registration_open",
        kind=bool,
        default=True,
        help="Whether anyone may create an account on the register page and API.",
    )
)
register(
    Definition(
        key="api_key_max_lifetime_days",
        kind=int,
        default=None,
        nullable=True,
        minimum=1,
        help="Longest lifetime of a new API key in days; null for no limit.",
    )
)
