"""Slow down password guessing, on the API's token endpoint and on the sign-in page alike."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from quillium_site.client_address import client_address


class LoginRateThrottle(SimpleRateThrottle):
    """Attempts per client address, rate `login` in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES.

    The address comes from `client_address`, not DRF's `get_ident`, which believes any X-Forwarded-For."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
