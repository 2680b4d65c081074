"""Slow down password guessing, on the API's token endpoint and on the sign-in page alike."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """Attempts per client address, rate `login` in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
