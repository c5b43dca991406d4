"""The private-address guard: which addresses DealPulse may connect to.

`blocked_reason` is a pure function on one address; `GuardedNetworkBackend` applies it to every address a
host name resolves to, at connect time, and then connects to the checked address itself, so a DNS answer
that changes between check and connect (DNS rebinding) cannot slip through, and neither can redirects.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from pipeline.errors import BlockedAddressError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string names literally, in any form the system resolver accepts for IPv4
    (dotted, decimal "2130706433", hex "0x7f000001", octal "0177.0.0.1", short "127.1"); None for a name."""
    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # pure parsing, no lookup
    except (OSError, ValueError):
        return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why DealPulse must not connect to this address, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None:
            inner = blocked_reason(embedded)
            if inner:
                return f"{inner} (embedded in {address})"
    checks: tuple[tuple[bool, str], ...] = (
        (address in _METADATA_ADDRESSES, "a cloud metadata address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private-network address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for hit, reason in checks if hit), None)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be connected to.

    allow_private: every non-public address too (the allow_private_addresses setting).
    allow_public: public addresses; off, only allowed_networks are reachable (tests and benchmarks run
        this way, so nothing they do can reach beyond loopback).
    allowed_networks: reachable whatever the two flags say (e.g. one intranet feed server).
    """

    allow_private: bool = False
    allow_public: bool = True
    allowed_networks: tuple[IPNetwork, ...] = ()

    def refusal(self, address: IPAddress) -> str | None:
        """Why this address may not be connected to under this policy, or None."""
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            candidates.append(address.ipv4_mapped)
        if any(candidate in network for candidate in candidates for network in self.allowed_networks):
            return None
        reason = blocked_reason(address)
        if reason is None:
            return None if self.allow_public else "a public address, and public addresses are disabled"
        return None if self.allow_private else f"{reason} (set allow_private_addresses to allow it)"


LOOPBACK_ONLY = AddressPolicy(
    allow_private=False,
    allow_public=False,
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")),
)


def check_addresses(host: str, addresses: Iterable[IPAddress], policy: AddressPolicy) -> list[IPAddress]:
    """The addresses, if the policy allows every one; else BlockedAddressError naming the first refused.
    One bad answer refuses the host: an attacker's DNS may mix a public address with a private one."""
    checked = list(addresses)
    for address in checked:
        reason = policy.refusal(address)
        if reason:
            raise BlockedAddressError(f"refused: {host} resolves to {address}, {reason}", host)
    return checked


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves each host once, checks every address against the
    policy, and connects to the checked address."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        literal = parse_ip_literal(host)
        if literal is not None:
            return [literal]
        if not self.policy.allow_public and not _is_localhost(host):
            # Without public addresses the answer could only be refused, and asking a DNS server
            # (which may sit anywhere) is itself traffic this mode exists to prevent.
            raise BlockedAddressError(f"refused: {host} is not resolved, public addresses are disabled", host)
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        found: list[IPAddress] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        return found

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self.resolve(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
        addresses = check_addresses(host, addresses, self.policy)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for host {host!r}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by DealPulse")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _is_localhost(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in ("localhost", "localhost.localdomain") or name.endswith(".localhost")
