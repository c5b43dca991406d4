"""The private-address guard: which addresses DealPulse may connect to.

`blocked_reason` is a pure function on one address. `GuardedResolver` applies it to every address a host
name resolves to, and `guarded_socket_factory` to the address each socket is about to connect to, so a DNS
answer that changes between check and connect (DNS rebinding) cannot slip through, and neither can an
address in a URL or a redirect.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

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


class GuardedResolver(AbstractResolver):
    """aiohttp's name resolution, through the policy: every address a name resolves to is checked, and
    with public addresses off a name is not even looked up (asking a DNS server, which may sit anywhere,
    is itself traffic that mode exists to prevent)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner: ThreadedResolver | None = None  # made on first use, in the running loop

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self._inner = self._inner or ThreadedResolver()
        literal = parse_ip_literal(host)
        if literal is not None:
            check_addresses(host, [literal], self.policy)
            return await self._inner.resolve(str(literal), port, family)
        if not self.policy.allow_public and not _is_localhost(host):
            raise BlockedAddressError(f"refused: {host} is not resolved, public addresses are disabled", host)
        results = await self._inner.resolve(host, port, family)
        check_addresses(host, (_address(r["host"]) for r in results), self.policy)
        return results

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


def guarded_socket_factory(policy: AddressPolicy) -> Callable[[AddrInfoType], socket.socket]:
    """aiohttp's socket factory, through the policy: the address is checked at the moment of connecting,
    whatever gave it (a name resolved just now or earlier, or an address in the URL), so neither DNS
    rebinding nor a redirect can slip past the check."""

    @functools.lru_cache(maxsize=4096)  # the same few addresses, connected to again and again
    def refusal(address: str) -> str | None:
        return policy.refusal(_address(address))

    def open_socket(addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address = str(sockaddr[0])
        reason = refusal(address)
        if reason:
            raise BlockedAddressError(f"refused: {address} is {reason}", address)
        return socket.socket(family=family, type=type_, proto=proto)

    return open_socket


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


def _is_localhost(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in ("localhost", "localhost.localdomain") or name.endswith(".localhost")
