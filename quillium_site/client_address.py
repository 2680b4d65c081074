"""The client's address, trusting X-Forwarded-For only from the proxies the operator names.

Anyone can send X-Forwarded-For; only a hop listed in TRUSTED_PROXIES (CIDRs) may vouch for the address before it.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: Any) -> str:
    """REMOTE_ADDR, or — when it is a trusted proxy — the right-most X-Forwarded-For hop that is not one."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Walk back from the nearest hop: each trusted proxy vouches for the one before it, nobody else does.
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop if _valid(hop) else remote
    return hops[0] if hops and _valid(hops[0]) else remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
