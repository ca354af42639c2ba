"""Real sockets on 127.0.0.1 for streaming tests: a scripted HTTP server and a cutting proxy.

``ScriptedServer`` answers each accepted connection with the next handler of a script; the
handler writes raw bytes, so tests control framing, timing and faults byte by byte.
``CuttingProxy`` forwards to a real server and can cut a response after N bytes.
``sse()`` is one event as a server writes it; ``status()``, ``json_answer()`` and
``answer_json`` are handlers for whole, closed answers.
"""

from __future__ import annotations

import json
import socket
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from stateless_client.testing._mock import read_http_request

TIMEOUT = 10.0  # every blocking wait here ends; a hang fails the test instead of CI


@dataclass
class Request:
    """One request as the server received it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Connection:
    """A server-side connection handed to a handler."""

    sock: socket.socket
    request: Request
    closed_by_client: threading.Event = field(default_factory=threading.Event)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: str = "200 OK", headers: dict[str, str] | None = None, *, chunked: bool = True) -> None:
        lines = [f"HTTP/1.1 {status}"]
        merged = {"content-type": "text/event-stream; charset=utf-8", **(headers or {})}
        if chunked:
            merged["transfer-encoding"] = "chunked"
        # ScriptedServer closes every connection after its handler; without saying so, a client
        # could send its next request on this connection before the close reaches it.
        merged.setdefault("connection", "close")  # and a body without chunks is close-delimited
        lines += [f"{name}: {value}" for name, value in merged.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def chunk(self, data: bytes) -> None:
        self.send(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunks(self) -> None:
        self.send(b"0\r\n\r\n")

    def wait_for_client_close(self, timeout: float = TIMEOUT) -> bool:
        """Block until the client closes its side (recv returns EOF or the socket errors)."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(65536):
                pass
        except TimeoutError:
            return False
        except OSError:
            pass
        self.closed_by_client.set()
        return True

    def reset(self) -> None:
        """Abort the connection with a TCP RST."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()


Handler = Callable[[Connection], None]

# ScriptedServer closes a connection after its handler, so every whole answer says so.
JSON_OK = (b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n'
           b'connection: close\r\n\r\n{"answer": 42}\n')


def sse(event: str, data: Any, event_id: str | None = None) -> bytes:
    """One server-sent event: ``data`` as JSON, with an ``id:`` line if ``event_id`` is given."""
    block = f"event: {event}\ndata: {json.dumps(data)}\n"
    if event_id is not None:
        block += f"id: {event_id}\n"
    return (block + "\n").encode()


def answer_json(conn: Connection) -> None:
    """Answer ``{"answer": 42}`` (``JSON_OK``)."""
    conn.send(JSON_OK)


def json_answer(value: Any, status: str = "200 OK") -> Handler:
    """A handler that answers ``value`` as JSON with ``status``."""
    def handler(conn: Connection) -> None:
        body = json.dumps(value).encode()
        conn.send(f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
                  f"connection: close\r\n\r\n".encode() + body)

    return handler


def status(code: int, reason: str, body: bytes = b"", content_type: str = "text/html", **headers: str) -> Handler:
    """A handler that answers ``code reason`` with ``body``; ``retry_after="2"`` sends ``retry-after: 2``."""
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    head = (f"HTTP/1.1 {code} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\n{extra}\r\n").encode()
    return lambda conn: conn.send(head + body)


def gzip_stream() -> Callable[[bytes], bytes]:
    """A gzip compressor that flushes after every piece, as a streaming server must."""
    compressor = zlib.compressobj(wbits=31)
    return lambda data: compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class ScriptedServer:
    """Serve connection ``i`` with ``handlers[i]``; records requests; stops by itself."""

    def __init__(self, *handlers: Handler) -> None:
        self.handlers = list(handlers)
        self.requests: list[Request] = []
        self.connections: list[Connection] = []
        self.errors: list[BaseException] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # a handler the test did not need is not waited for
        self._thread.join(TIMEOUT)
        self._listener.close()
        for connection in self.connections:
            connection.sock.close()
        if self.errors:
            raise self.errors[0]

    def _accept(self) -> socket.socket | None:
        deadline = threading.Event()
        timer = threading.Timer(TIMEOUT, deadline.set)
        timer.start()
        try:
            while not (self._stopping.is_set() or deadline.is_set()):
                try:
                    return self._listener.accept()[0]
                except TimeoutError:
                    continue
            return None
        finally:
            timer.cancel()

    def _serve(self) -> None:
        for handler in self.handlers:
            sock = self._accept()
            if sock is None:
                return
            sock.settimeout(TIMEOUT)
            try:
                connection = Connection(sock, _read_request(sock))
                self.requests.append(connection.request)
                self.connections.append(connection)
                handler(connection)
            except (ConnectionError, BrokenPipeError):
                pass
            except BaseException as exc:  # reported by __exit__
                self.errors.append(exc)
            finally:
                sock.close()  # as a real server does; it ends a close-delimited body


def _read_request(sock: socket.socket) -> Request:
    return Request(*read_http_request(sock))


class CuttingProxy:
    """A TCP proxy to ``upstream`` that cuts a response just before the bytes ``cut_at``.

    Only the first connection whose response contains ``cut_at`` is cut (in the middle of
    the event that holds it); every other connection passes through untouched.
    """

    def __init__(self, upstream: str, cut_at: bytes) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port))
        self.cut_at = cut_at
        self.cuts = 0
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(TIMEOUT)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.upstream, timeout=TIMEOUT)
        threading.Thread(target=_forward, args=(client, upstream), daemon=True).start()
        seen = b""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                seen += data
                found = seen.find(self.cut_at) if not self.cuts else -1
                if found >= 0:
                    self.cuts += 1
                    client.sendall(data[: max(found - (len(seen) - len(data)), 0)])
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()


def _forward(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
