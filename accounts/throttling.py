"""Slow down password guessing, on the API's token endpoint and on the sign-in page alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException
from rest_framework.throttling import SimpleRateThrottle

from quillium_site.cache import CacheUnavailable
from quillium_site.client_address import client_address

UNAVAILABLE_RETRY_SECONDS = 5


class CountingUnavailable(APIException):
    """The cache that counts attempts is away (Redis restarting): sign-in fails closed, with a 503 and a retry
    hint, rather than letting unlimited guesses through while no one counts."""

    status_code = 503
    default_detail = gettext_lazy("Signing in is paused for a moment; try again in a few seconds.")
    default_code = "counting_unavailable"
    wait = UNAVAILABLE_RETRY_SECONDS  # DRF sends it as Retry-After


class AtomicRateThrottle(SimpleRateThrottle):
    """At most `num_requests` per `duration` seconds, counted by an increment the cache performs itself (Redis INCR;
    locmem under its lock), so parallel requests on any number of processes can't all read the same count and all
    pass, as DRF's read-then-write history lets them. A sliding window, estimated from two fixed ones: the current
    window's count plus the previous one's, weighted by how much of it the sliding window still covers. Refused
    attempts count too."""

    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self._count(key)
        except CacheUnavailable:
            raise CountingUnavailable from None
        previous = self.cache.get(f"{self.key}:{window - 1}", 0)
        covered = 1 - (self.now % self.duration) / self.duration
        return previous * covered + count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)

    def _count(self, key: str) -> int:
        self.cache.add(key, 0, timeout=2 * self.duration + 1)  # the first request of the window creates it
        try:
            return self.cache.incr(key)
        except ValueError:  # evicted between the two calls (or never made: Redis was away): open it again
            self.cache.add(key, 0, timeout=2 * self.duration + 1)
            return self.cache.incr(key)


class LoginRateThrottle(AtomicRateThrottle):
    """Attempts per client address, rate `login` in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES.

    The address comes from `client_address`, not DRF's `get_ident`, which believes any X-Forwarded-For."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
