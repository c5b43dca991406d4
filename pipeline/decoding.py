"""Content-Encoding decoding that never makes more than STEP bytes at a time. Pure.

HTTP clients decode a whole network chunk at once (aiohttp does, with auto_decompress), so a 64 KB chunk of
a gzip bomb could become 64 MB in memory before the size cap is checked. Here every stage is asked for at
most STEP bytes per call (zlib's `max_length`; brotli's `output_buffer_limit`, which can overshoot by a
block, so at most 2 x STEP there), so the body cap bounds memory, not just the stored size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli  # type: ignore[import-untyped]

STEP = 64 * 1024


class DecodingError(ValueError):
    """The body is not what its Content-Encoding says, or the encoding is unknown."""


class _Stage(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...


class _Zlib:
    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._inflater: zlib._Decompress | None = None

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            if not data:
                return
            # gzip has its header; "deflate" is meant to be zlib-wrapped, but servers also send it raw
            wbits = 16 + zlib.MAX_WBITS if self._encoding == "gzip" else zlib.MAX_WBITS
            if self._encoding == "deflate" and data[0] & 0x0F != 8:
                wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(wbits)
        try:
            while data:
                out = self._inflater.decompress(data, STEP)
                data = self._inflater.unconsumed_tail
                if out:
                    yield out
                elif data:  # no progress with input left: only possible at a stream's end
                    return
        except zlib.error as exc:
            raise DecodingError(f"body is not valid {self._encoding}: {exc}") from None


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        # The limit stops the output buffer growing once reached, which can overshoot it by a block: ask
        # for half a step, hand out at most a step. A full buffer means more is pending: ask again.
        limit = STEP // 2
        try:
            out = self._decompressor.process(data, output_buffer_limit=limit)
            yield from _pieces(out)
            while len(out) >= limit or not self._decompressor.can_accept_more_data():
                out = self._decompressor.process(b"", output_buffer_limit=limit)
                if not out:
                    return
                yield from _pieces(out)
        except brotli.error as exc:
            raise DecodingError(f"body is not valid br: {exc}") from None


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        yield from _pieces(data)


def _pieces(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), STEP):
        yield data[start : start + STEP]


class BoundedDecoder:
    """Decodes a body encoded as `content_encoding` ("gzip", "br", "gzip, br", ...) piece by piece."""

    def __init__(self, content_encoding: str) -> None:
        names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
        stages: list[_Stage] = []
        for name in reversed(names):  # the last encoding applied is the first to undo
            if name in ("identity", ""):
                continue
            if name in ("gzip", "x-gzip", "deflate"):
                stages.append(_Zlib("gzip" if name == "x-gzip" else name))
            elif name == "br":
                stages.append(_Brotli())
            else:
                raise DecodingError(f"unsupported content encoding {name!r}")
        self._stages = stages or [_Identity()]

    def decode(self, chunk: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk, none longer than STEP."""
        yield from self._through(chunk, 0)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        for piece in self._stages[index].decode(data):
            if index + 1 == len(self._stages):
                yield piece
            else:
                yield from self._through(piece, index + 1)
