"""Which IP a request comes from. X-Forwarded-For is believed only when the TCP peer is a trusted
reverse proxy (FAYUAN_TRUSTED_PROXIES): anyone else could write any address into that header."""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in net for net in proxies)


def client_ip(scope: dict, proxies: tuple[Network, ...]) -> str:
    """The client's IP for an ASGI `scope`. Behind trusted proxies: the right-most address in
    X-Forwarded-For that is not itself a trusted proxy (each proxy appends the peer it saw)."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not proxies or not _trusted(_address(peer), proxies):
        return peer
    forwarded = [value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"x-forwarded-for"]
    hops = [hop.strip() for hop in ",".join(forwarded).split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:          # garbage where an address should be: do not trust what is left of it
            return peer
        if not _trusted(address, proxies):
            return str(address)
    return str(_address(hops[0])) if hops else peer
