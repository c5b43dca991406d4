"""The private-address guard: a pure decision on each address, applied at connect time."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest
from pytest_httpserver import HTTPServer

from pipeline.errors import BlockedAddressError
from pipeline.http import Fetcher, FetchPolicy
from pipeline.netguard import (
    LOOPBACK_ONLY,
    AddressPolicy,
    GuardedResolver,
    blocked_reason,
    check_addresses,
    guarded_socket_factory,
    parse_ip_literal,
)

BLOCKED = [
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.0.1", "private"),
    ("192.168.255.255", "private"),
    ("169.254.169.254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("fd00:ec2::254", "metadata"),
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("100.64.0.1", "not a public"),
    ("198.18.0.1", "private"),
    ("224.0.0.1", "multicast"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "metadata"),
    ("2002:a00:1::", "private"),  # 6to4 wrapping 10.0.0.1
    ("64:ff9b::c0a8:1", "private"),  # NAT64 wrapping 192.168.0.1
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "172.15.255.255",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "11.0.0.1",
]


@pytest.mark.parametrize(("text", "reason"), BLOCKED)
def test_non_public_addresses_are_refused(text: str, reason: str) -> None:
    found = blocked_reason(ipaddress.ip_address(text))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_allowed(text: str) -> None:
    assert blocked_reason(ipaddress.ip_address(text)) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("127.1", "127.0.0.1"),  # short form
        ("0xa.0.0.1", "10.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
    ],
)
def test_ip_literals_in_every_form_are_recognised(host: str, address: str) -> None:
    parsed = parse_ip_literal(host)
    assert parsed == ipaddress.ip_address(address)
    assert blocked_reason(parsed) is not None


def test_names_are_not_literals() -> None:
    assert parse_ip_literal("news.example.com") is None


def test_one_bad_answer_refuses_the_whole_host() -> None:
    addresses = [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.7")]
    with pytest.raises(BlockedAddressError, match=r"evil\.example resolves to 10\.0\.0\.7"):
        check_addresses("evil.example", addresses, AddressPolicy())


@pytest.mark.parametrize(
    "host", ["10.0.0.1", "169.254.169.254", "192.168.1.1", "172.16.5.4", "::ffff:10.0.0.1"]
)
def test_socket_factory_refuses_before_a_socket_exists(host: str) -> None:
    """The connect-time check: whatever gave the address, no socket is opened for a refused one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    open_socket = guarded_socket_factory(AddressPolicy())
    with pytest.raises(BlockedAddressError, match="allow_private_addresses"):
        open_socket((family, socket.SOCK_STREAM, 6, "", (host, 80)))
    with open_socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80))) as allowed:
        assert allowed.family == socket.AF_INET  # a public address gets its socket (not connected here)


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "0x0a000001", "172.16.5.4"])
def test_resolver_refuses_private_addresses_in_any_spelling(host: str) -> None:
    with pytest.raises(BlockedAddressError, match="allow_private_addresses"):
        asyncio.run(GuardedResolver(AddressPolicy()).resolve(host, 80))


@pytest.mark.parametrize("form", ["127.0.0.1", "2130706433", "0x7f000001", "127.1", "localhost"])
def test_fetcher_refuses_loopback_in_any_spelling_and_sends_nothing(
    httpserver: HTTPServer, form: str
) -> None:
    httpserver.expect_request("/page").respond_with_data("secret")
    url = f"http://{form}:{httpserver.port}/page"

    async def fetch() -> None:
        async with Fetcher(FetchPolicy(user_agent="test")) as fetcher:
            await fetcher.get(url, max_bytes=1000)

    with pytest.raises(BlockedAddressError) as caught:
        asyncio.run(fetch())
    assert caught.value.url == url
    assert "loopback" in str(caught.value)
    assert httpserver.log == []


@pytest.mark.parametrize(
    "target",
    [
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
        "http://0xc0a80001/",
    ],
)
def test_redirect_to_a_private_address_is_refused(httpserver: HTTPServer, target: str) -> None:
    """The loopback test server is allowed by the policy; the redirect target is checked again and refused
    before any connection is made."""
    httpserver.expect_request("/start").respond_with_data("", status=302, headers={"Location": target})

    async def fetch() -> None:
        async with Fetcher(FetchPolicy(user_agent="test", addresses=LOOPBACK_ONLY)) as fetcher:
            await fetcher.get(httpserver.url_for("/start"), max_bytes=1000)

    with pytest.raises(BlockedAddressError, match=r"private|metadata"):
        asyncio.run(fetch())
    # only the loopback hop was requested, once (the refusal happens before any connection is made)
    assert [request.path for request, _ in httpserver.log if request.path == "/start"] == ["/start"]


def test_names_are_not_even_resolved_when_public_addresses_are_off() -> None:
    async def resolve(host: str) -> object:
        return await GuardedResolver(LOOPBACK_ONLY).resolve(host, 80)

    with pytest.raises(BlockedAddressError, match="not resolved, public addresses are disabled"):
        asyncio.run(resolve("news.example.com"))
    assert asyncio.run(resolve("localhost"))  # the local names are still looked up


def test_policy_flags() -> None:
    private, public = ipaddress.ip_address("10.0.0.1"), ipaddress.ip_address("8.8.8.8")
    loopback = ipaddress.ip_address("127.0.0.1")
    assert AddressPolicy().refusal(private) is not None
    assert AddressPolicy().refusal(public) is None
    assert AddressPolicy(allow_private=True).refusal(private) is None
    assert LOOPBACK_ONLY.refusal(public) is not None
    assert LOOPBACK_ONLY.refusal(private) is not None
    assert LOOPBACK_ONLY.refusal(loopback) is None
    assert LOOPBACK_ONLY.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) is None
    intranet = AddressPolicy(allowed_networks=(ipaddress.ip_network("10.9.0.0/16"),))
    assert intranet.refusal(ipaddress.ip_address("10.9.1.1")) is None
    assert intranet.refusal(ipaddress.ip_address("10.8.1.1")) is not None


def test_the_test_process_cannot_reach_past_loopback() -> None:
    """The tripwire (tests/loopback.py, installed by conftest and by every benchmark phase) refuses a
    connect or a lookup beyond loopback. Checked by raising the audit events directly, so that not even
    this test sends a packet."""
    import socket
    import sys

    with socket.socket() as sock:
        with pytest.raises(PermissionError, match="only loopback is allowed"):
            sys.audit("socket.connect", sock, ("10.1.2.3", 80))
        sys.audit("socket.connect", sock, ("127.0.0.1", 80))  # loopback passes
    with pytest.raises(PermissionError, match=r"tried to look up 'example\.com'"):
        sys.audit("socket.getaddrinfo", "example.com", 80, 0, 0, 0)
