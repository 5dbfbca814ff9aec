"""Who is signing in from where: the client address every sign-in rule uses.

Behind a proxy the direct connection is the proxy's, so every person would share
one address; the proxy names the client in X-Forwarded-For. That header is
believed only when the connection comes from a proxy listed in
SAMEPAGE_TRUSTED_PROXIES — otherwise anyone could write any address into it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The connecting address; or, when that is a trusted proxy, the address the
    proxies name: X-Forwarded-For read from the right, past every trusted proxy,
    to the first address that is not one (entries further left were written by
    the client and prove nothing). django-axes asks this through
    AXES_CLIENT_IP_CALLABLE; the per-address sign-in throttle asks it too."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(settings.SAMEPAGE_TRUSTED_PROXIES))
    address = _parse(remote)
    if not trusted or address is None:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(forwarded):
        if not any(address in network for network in trusted):
            break
        hop_address = _parse(hop)
        if hop_address is None:
            break
        address = hop_address
    return str(address)
