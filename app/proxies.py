"""The client's address behind a reverse proxy, believed only from the proxies configured.

Werkzeug's ``ProxyFix`` rewrites ``REMOTE_ADDR`` and the scheme from ``X-Forwarded-For`` and
``X-Forwarded-Proto``; on its own it would believe those headers from anyone who reaches the
server directly, who could then pose as any address (and slip past the login throttle). So it
runs only for requests whose direct peer is one of ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str | Iterable[str]) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` (or a list of such) as networks; a bad entry is an error."""
    items = setting.split(",") if isinstance(setting, str) else setting
    networks = []
    for item in items:
        item = item.strip()
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an address or a network") \
                    from None
    return tuple(networks)


class TrustedProxyFix:
    """WSGI middleware: ``ProxyFix`` (one proxy hop) for requests from a trusted proxy only."""

    def __init__(self, app: Callable, trusted: str | Iterable[str]):
        self.app = app
        self.trusted = parse_networks(trusted)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)

    def _from_trusted(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.trusted)

    def __call__(self, environ: dict, start_response: Callable):
        if self.trusted and self._from_trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
