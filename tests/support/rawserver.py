"""A TCP server on 127.0.0.1 that misbehaves below HTTP: it accepts and says nothing, trickles, or resets the
connection mid-body. pytest-httpserver cannot do these, as it always answers whole."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket, threading.Event], None]


def silent(connection: socket.socket, stop: threading.Event) -> None:
    """Accepts, reads the request, never answers."""
    connection.recv(65536)
    stop.wait(30)


def trickle(connection: socket.socket, stop: threading.Event) -> None:
    """A valid start, then one byte every 0.3 s: never idle long enough to trip a read timeout."""
    connection.recv(65536)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
    )
    while not stop.is_set():
        try:
            connection.sendall(b"<")
        except OSError:
            return
        time.sleep(0.3)


def reset_mid_body(connection: socket.socket, stop: threading.Event) -> None:
    """Promises 100,000 bytes, sends 1,000, then resets the connection (RST, not a clean close)."""
    connection.recv(65536)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
        + b'<?xml version="1.0"?><rss version="2.0"><channel>'
        + b" " * 950
    )
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@contextmanager
def raw_server(behaviour: Behaviour) -> Iterator[str]:
    """Serves `behaviour` to every connection; yields the base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_handle, args=(connection,), daemon=True).start()

    def _handle(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            behaviour(connection, stop)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
