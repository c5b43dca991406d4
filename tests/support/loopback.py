"""The last line of defence for tests and benchmarks: nothing in this process connects to, or even looks
up, anything but loopback, whatever the code under test (or a peer library being measured) gets wrong.
The address guard itself is tested as a pure function (test_netguard); this catches what would reach past
it."""

from __future__ import annotations

import functools
import ipaddress
import socket
import sys

_LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: object) -> bool:
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _tripwire(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect":
        sock, address = args[0], args[1]
        family = getattr(sock, "family", None)
        if family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):  # type: ignore[index]
            raise PermissionError(f"tried to connect to {address!r}: only loopback is allowed")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is not None and not is_loopback(host):
            raise PermissionError(f"tried to look up {host!r}: only loopback is allowed")


@functools.cache  # once per process: audit hooks cannot be removed, and one is enough
def loopback_only() -> None:
    """Refuse, from now on, any connect or name lookup beyond loopback in this process."""
    sys.addaudithook(_tripwire)
