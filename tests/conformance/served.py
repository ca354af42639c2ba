"""Serve an httpx-style handler over a real socket, so the SDK's canned handlers answer both clients.

The SDK's unit tests answer through ``httpx.MockTransport(handler)``, which only httpx can use.
``Served(handler)`` runs the same ``handler(httpx.Request) -> httpx.Response`` behind a real HTTP
server on 127.0.0.1: each request arrives as an ``httpx.Request`` and the response is written
back chunk by chunk as its stream yields, so streaming, delays and faults reach the client as
they would from a real server. A stream that raises (the SDK's tests raise ``httpx.ReadError``
to script a dropped connection) aborts the connection with a TCP reset, mid-body, and a handler
that raises ``httpx.TransportError`` (the SDK's tests raise ``httpx.ConnectError`` to script a
server that is down) resets the connection before any answer: what a client sees of a server
that is restarting.
"""

from __future__ import annotations

import socket
import threading
from typing import Callable

import httpx

from ..loopback import TIMEOUT, Connection, _read_request

Handler = Callable[[httpx.Request], httpx.Response]
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


class Served:
    """``with Served(handler) as served: get_sync_client(url=served.url)``; ``requests`` lists
    every ``httpx.Request`` the handler was given, and an exception in the handler fails the
    test when the block ends (the client meanwhile gets a 500)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.errors: list[BaseException] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_all, daemon=True)
        self._open: set[socket.socket] = set()

    def __enter__(self) -> Served:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(TIMEOUT)
        self._listener.close()
        for sock in list(self._open):
            sock.close()
        if self.errors and exc[0] is None:
            raise self.errors[0]

    def _accept_all(self) -> None:
        while not self._stopping.is_set():
            try:
                sock = self._listener.accept()[0]
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        self._open.add(sock)
        sock.settimeout(TIMEOUT)
        try:
            raw = _read_request(sock)
            request = httpx.Request(raw.method, self.url + raw.target, headers=raw.headers, content=raw.body)
            self.requests.append(request)
            try:
                response = self.handler(request)
            except httpx.TransportError:
                Connection(sock, raw).reset()
                return
            except BaseException as exc:
                self.errors.append(exc)
                body = f"handler failed: {type(exc).__name__}: {exc}".encode()
                sock.sendall(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
                return
            _write(Connection(sock, raw), response)
        except (ConnectionError, BrokenPipeError, TimeoutError):
            pass
        except BaseException as exc:  # reported by __exit__
            self.errors.append(exc)
        finally:
            self._open.discard(sock)
            sock.close()


def _write(conn: Connection, response: httpx.Response) -> None:
    headers = {name: value for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP}
    head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase or 'Status'}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    head += ["transfer-encoding: chunked", "connection: close"]
    conn.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    try:
        for piece in response.stream:  # type: ignore[union-attr]
            if piece:
                conn.chunk(piece)
    except httpx.HTTPError:
        conn.reset()  # the scripted drop: the client sees the connection die mid-body
        return
    conn.end_chunks()
