"""Every error DealPulse raises on purpose derives from DealPulseError.

    DealPulseError
    ├── ConfigError            feeds.yaml or a DEALPULSE_* variable is wrong (names file, line, feed, field)
    ├── FetchError             an HTTP fetch failed; carries the URL
    │   ├── BlockedAddressError    the host resolves to a loopback/private/link-local/metadata address
    │   ├── UnsupportedURLError    not http(s), no host, or credentials in a redirect target
    │   ├── HTTPStatusError        the server answered with an error status (carries status, Retry-After)
    │   ├── TooManyRedirectsError  more redirects than allowed, or a loop
    │   ├── ResponseTooLargeError  the body passed the size cap
    │   ├── FetchTimeoutError      connect or total deadline passed
    │   └── NetworkError           DNS, refused, reset, TLS and other transport failures
    ├── FeedParseError         the bytes are not a feed whose entries can be read
    └── DatabaseError          the schema cannot be brought up to date

Errors carry a message meant for a person; it is what `dealpulse status` shows for a failing feed.
"""

from __future__ import annotations


class DealPulseError(Exception):
    """Root of DealPulse's own errors."""


class ConfigError(DealPulseError):
    """The configuration is invalid. The message names the file, line, feed and field."""


class FetchError(DealPulseError):
    """An HTTP fetch failed."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class BlockedAddressError(FetchError):
    """The URL's host resolves to an address DealPulse refuses to connect to."""


class UnsupportedURLError(FetchError):
    """The URL cannot be fetched: wrong scheme, no host, or embedded credentials."""


class HTTPStatusError(FetchError):
    """The server answered with a status DealPulse treats as a failure."""

    def __init__(self, message: str, url: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message, url)
        self.status = status
        self.retry_after = retry_after


class TooManyRedirectsError(FetchError):
    """More redirects than allowed, or a redirect loop."""


class ResponseTooLargeError(FetchError):
    """The response body passed the configured size cap."""


class FetchTimeoutError(FetchError):
    """The connect timeout or the total deadline passed."""


class NetworkError(FetchError):
    """DNS, connection, TLS or protocol failure below HTTP."""


class FeedParseError(DealPulseError):
    """The document could not be read as a feed at all."""


class DatabaseError(DealPulseError):
    """The database could not be reached or migrated."""
