"""Content-Encoding decoding in bounded pieces: a bomb never becomes more than STEP bytes at a time."""

from __future__ import annotations

import gzip
import zlib

import brotli  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decoding import STEP, BoundedDecoder, DecodingError

TEXT = b"<rss><channel><title>A feed</title></channel></rss>\n" * 2000


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODERS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the standard says
    "br": brotli.compress,
    "identity": lambda data: data,
}


def decode_in_chunks(encoding: str, body: bytes, chunk: int) -> list[bytes]:
    decoder = BoundedDecoder(encoding)
    return [
        piece for start in range(0, len(body), chunk) for piece in decoder.decode(body[start : start + chunk])
    ]


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_each_encoding_round_trips_whatever_the_chunking(encoding: str) -> None:
    body = ENCODERS[encoding](TEXT)
    for chunk in (1, 7, 1000, len(body)):
        assert b"".join(decode_in_chunks(encoding, body, chunk)) == TEXT


def test_raw_deflate_is_accepted_too() -> None:
    assert b"".join(decode_in_chunks("deflate", raw_deflate(TEXT), 100)) == TEXT


def test_stacked_encodings_are_undone_last_first() -> None:
    body = brotli.compress(gzip.compress(TEXT))  # "Content-Encoding: gzip, br"
    assert b"".join(decode_in_chunks("gzip, br", body, 500)) == TEXT


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_bomb_comes_out_in_pieces_no_larger_than_a_step(encoding: str) -> None:
    bomb = ENCODERS[encoding](b"\0" * 30_000_000)  # tens of KB that decode to 30 MB
    decoder = BoundedDecoder(encoding)
    largest, total = 0, 0
    for piece in decoder.decode(bomb):  # the whole bomb as one network chunk
        largest = max(largest, len(piece))
        total += len(piece)
        if total > 5_000_000:
            break  # what the size cap does; nothing beyond has been decoded
    assert 0 < largest <= STEP
    assert total <= 5_000_000 + STEP


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=5000), chunk=st.integers(min_value=1, max_value=600))
def test_gzip_round_trips_any_bytes(data: bytes, chunk: int) -> None:
    assert b"".join(decode_in_chunks("gzip", gzip.compress(data), chunk)) == data


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        ("gzip", b"this is not gzip at all", r"body is not valid gzip"),
        ("br", b"\xff\xff\xff not brotli", r"body is not valid br"),
        ("compress", b"x", r"unsupported content encoding 'compress'"),
    ],
)
def test_bad_bodies_and_unknown_encodings_say_so(encoding: str, body: bytes, message: str) -> None:
    with pytest.raises(DecodingError, match=message):
        decode_in_chunks(encoding, body, 100)
