"""``LangGraphMock``: a scripted LangGraph API served over a real socket on 127.0.0.1."""

from __future__ import annotations

import fnmatch
import json
import select
import socket
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ._events import Drop, Event, Heartbeat, Item, Pause, flatten

if TYPE_CHECKING:
    from .._client import Client

__all__ = ["LangGraphMock", "RecordedRequest", "UnexpectedRequest"]

_TIMEOUT = 30.0  # no socket operation waits longer: a stuck test fails instead of hanging
_HEARTBEAT = b": heartbeat\r\n\r\n"
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            409: "Conflict", 422: "Unprocessable Entity", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


class UnexpectedRequest(AssertionError):
    """The app sent a request that nothing scripted (or a scripted answer was never requested)."""


@dataclass
class RecordedRequest:
    """One request as the mock received it."""

    method: str
    #: The path, without the query string (``/threads/t1/runs/stream``).
    path: str
    #: The query string's parameters, each with its list of values.
    query: dict[str, list[str]]
    #: The headers, names in lower case.
    headers: dict[str, str]
    body: bytes
    #: Set when the client closed the connection before the scripted answer ended (the app
    #: left the stream early: a closed tab, a ``break``, a timeout).
    disconnected: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body)."""
        return json.loads(self.body) if self.body else None

    def _field(self, name: str) -> Any:
        payload = self.json
        return payload.get(name) if isinstance(payload, dict) else None

    @property
    def assistant_id(self) -> str | None:
        """The run's ``assistant_id`` (``None`` if this request started no run)."""
        return self._field("assistant_id")  # type: ignore[no-any-return]

    @property
    def input(self) -> Any:
        """The run's ``input``."""
        return self._field("input")

    @property
    def stream_mode(self) -> Any:
        """The run's ``stream_mode`` as sent (a string or a list)."""
        return self._field("stream_mode")

    @property
    def on_disconnect(self) -> str | None:
        """What the run does when its caller leaves (``"cancel"``/``"continue"``), as sent."""
        return self._field("on_disconnect")  # type: ignore[no-any-return]

    @property
    def thread_id(self) -> str | None:
        """The thread in the path (``/threads/{thread_id}/...``), else ``None``."""
        parts = self.path.split("/")
        if len(parts) > 2 and parts[1] == "threads" and parts[2] not in ("search", "count", "prune"):
            return unquote(parts[2])
        return None

    def __str__(self) -> str:
        body = self.body[:300].decode("utf-8", "replace") + ("..." if len(self.body) > 300 else "")
        return f"{self.method} {self.path}" + (f" {body}" if body else "")


@dataclass
class _Answer:
    """A scripted answer: the requests it matches, how many more it answers, and how."""

    method: str | None
    patterns: tuple[str, ...]
    remaining: int | None  # None: every matching request
    respond: Callable[[socket.socket, RecordedRequest], None]
    label: str
    optional: bool = False  # never requested is fine (a resumable run's reconnection)

    def matches(self, request: RecordedRequest) -> bool:
        return ((self.method is None or self.method == request.method)
                and any(fnmatch.fnmatchcase(request.path, pattern) for pattern in self.patterns))

    def __str__(self) -> str:
        left = "any number of times" if self.remaining is None else f"{self.remaining} more time(s)"
        return f"{self.label} ({left})"


class LangGraphMock:
    """A scripted LangGraph API on a real socket: ``url`` is its address.

    Script what the app's requests get, in order (``stream``, ``wait``, ``respond``,
    ``http_error``); each request takes the first scripted answer that matches its method and
    path and has uses left. Every request is recorded (``requests``). A request that nothing
    answers gets a 500 naming what was scripted, and fails the test when the fixture ends, as
    does a scripted answer that was never requested.

    Examples:
        In a test, the ``langgraph_mock`` fixture gives one and closes it; by hand:

        >>> from stateless_client import get_client
        >>> from stateless_client.testing import LangGraphMock, tokens, values
        >>> mock = LangGraphMock()
        >>> mock.stream(tokens("Hel", "lo"), values({"messages": []}))
        >>> with get_client(url=mock.url, api_key=None) as client:
        ...     run = client.runs.stream(None, "agent", stream_mode="messages-tuple")
        ...     print("".join(run.text_stream))
        Hello
        >>> mock.runs[0].on_disconnect  # what the client asked of the run
        'cancel'
        >>> mock.close()
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        #: The mock's base URL (``http://127.0.0.1:<port>``).
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        #: Every request received, in order of arrival.
        self.requests: list[RecordedRequest] = []
        self._answers: list[_Answer] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._workers: list[threading.Thread] = []
        self._patched: list[tuple[Any, ...]] = []  # what patch() changed, to restore
        self._thread = threading.Thread(target=self._accept_all, name="langgraph-mock", daemon=True)
        self._thread.start()

    # -- scripting ---------------------------------------------------------------------------

    def stream(self, *items: Item | Iterable[Item], run_id: str | None = None, delay: float = 0.0,
               times: int | None = 1) -> None:
        """Answer the next ``runs.stream`` (``POST /runs/stream`` or ``/threads/{id}/runs/stream``)
        with these events, after the ``metadata`` event every run starts with.

        Args:
            items: events (``tokens``, ``updates``, ``values``, ``custom``, ``interrupt``,
                ``error``, ``event``) and faults (``pause``, ``heartbeat``, ``drop``), in order.
                They are sent as scripted, whatever ``stream_mode`` the request asked for.
                In a run started with ``stream_resumable=True`` the events carry IDs, and the
                client's reconnection after a ``drop()`` (``GET`` its ``Location`` with
                ``Last-Event-ID``) gets the rest of the script; each ``drop()`` cuts once.
            run_id: the run's ID (a new UUID by default).
            delay: seconds to wait before each event.
            times: how many requests this answers (``None``: all of them).
        """
        script = flatten(items)
        for item in script:  # encoded now, so that data that is not JSON fails the line that scripted it
            if isinstance(item, Event):
                item.encode()

        def respond(sock: socket.socket, request: RecordedRequest) -> None:
            run = run_id or str(uuid.uuid4())
            where = _run_path(request, run)
            scripted = _ScriptedRun(script, run, where, resumable=request._field("stream_resumable") is True,
                                    delay=delay)
            if scripted.resumable:  # the client reconnects there, with Last-Event-ID, after a drop
                self._add("GET", (where + "/stream",), None, scripted.resume, f"GET {where}/stream (resuming)",
                          optional=True)
                # A resumed stream that ends without an ``end`` event makes the client ask whether
                # its run ended, as a connection cut by a proxy would: it did, with the script.
                self._add("GET", (where,), None, scripted.answer_run, f"GET {where} (the run)", optional=True)
            scripted.send(sock, request, after=None)

        self._add("POST", ("/runs/stream", "/threads/*/runs/stream"), times, respond,
                  f"POST /runs/stream: {len(script)} scripted item(s)")

    def wait(self, result: Any, *, run_id: str | None = None, times: int | None = 1) -> None:
        """Answer the next ``runs.wait`` (``POST /runs/wait`` or ``/threads/{id}/runs/wait``) with
        ``result``, the run's final state; ``error("...")`` makes it a failed run."""
        body = _dumps({"__error__": result.data} if isinstance(result, Event) and result.name == "error" else result)

        def respond(sock: socket.socket, request: RecordedRequest) -> None:
            where = _run_path(request, run_id or str(uuid.uuid4()))
            _send_json(sock, 200, body, {"location": where + "/join", "content-location": where})

        self._add("POST", ("/runs/wait", "/threads/*/runs/wait"), times, respond, "POST /runs/wait")

    def respond(self, method: str, path: str, json: Any = None, *, status: int = 200,
                headers: Mapping[str, str] | None = None, times: int | None = 1) -> None:
        """Answer ``method`` on ``path`` (``*`` matches any text: ``/threads/*/state``) with
        ``json``: any other endpoint, e.g. ``respond("POST", "/threads", {"thread_id": "t1"})``."""
        body = _dumps(json)

        def answer(sock: socket.socket, request: RecordedRequest) -> None:
            _send_json(sock, status, body, dict(headers or {}))

        self._add(method.upper(), (path,), times, answer, f"{method.upper()} {path} -> {status}")

    def http_error(self, status: int, detail: Any = None, *, method: str | None = None, path: str = "*",
                   headers: Mapping[str, str] | None = None, times: int | None = None) -> None:
        """Answer every matching request (by default: every request) with HTTP ``status``.

        The body is ``{"detail": detail}`` for a string (the reason phrase by default), or
        ``detail`` itself for a dict. The client retries 429 and 503 (and 502, 504 for reads):
        each retry gets the same answer, sent with ``Retry-After: 0`` unless ``headers`` set it,
        so that a test does not wait out the client's backoff.
        """
        body = _dumps(detail if isinstance(detail, dict) else {"detail": detail or _REASONS.get(status, "Error")})
        sent = {"retry-after": "0", **{name.lower(): value for name, value in (headers or {}).items()}}

        def answer(sock: socket.socket, request: RecordedRequest) -> None:
            _send_json(sock, status, body, sent)

        self._add(method.upper() if method else None, (path,), times, answer,
                  f"{method.upper() if method else 'any method'} {path} -> {status}")

    # -- pointing clients here ----------------------------------------------------------------

    def patch(self, client: Client) -> Client:
        """Send ``client``'s requests here until the test ends (a client created at import time,
        ``app.client``); its headers, API key and other settings stay. Returns ``client``."""
        from .._http.urls import origin

        transport = client._transport
        session = transport._session
        self._patched.append((transport, transport.base_url, transport.origin, session, dict(session.proxies)))
        transport.base_url, transport.origin = self.url, origin(self.url)
        session.proxies.clear()  # resolved for the app's server: a proxy must not get loopback requests
        return client

    @property
    def runs(self) -> list[RecordedRequest]:
        """The requests that started a run (``.../runs/stream``, ``.../runs/wait``, ``.../runs``)."""
        return [r for r in self.requests if r.method == "POST" and r.path.rstrip("/").split("/")[-1]
                in ("stream", "wait", "runs") and "/runs" in r.path]

    # -- the fixture's end --------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving, undo ``patch``, and wait for the answers still being written."""
        self._stopping.set()
        self._thread.join(_TIMEOUT)
        self._listener.close()
        for sock in list(self._open):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for worker in list(self._workers):
            worker.join(_TIMEOUT)
        for transport, base_url, origin, session, proxies in reversed(self._patched):
            transport.base_url, transport.origin = base_url, origin
            session.proxies.clear()
            session.proxies.update(proxies)
        self._patched.clear()

    def check(self) -> None:
        """Raise ``UnexpectedRequest`` for each request nothing answered, and for scripted
        answers never requested (the fixture calls this at the end of the test)."""
        problems = list(self._failures)
        unused = [str(answer) for answer in self._answers if answer.remaining and not answer.optional]
        if unused:
            problems.append("scripted but never requested: " + "; ".join(unused))
        if problems:
            raise UnexpectedRequest("\n".join(problems))

    def __enter__(self) -> LangGraphMock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        if exc[0] is None:
            self.check()

    # -- serving ------------------------------------------------------------------------------

    def _add(self, method: str | None, patterns: tuple[str, ...], times: int | None,
             respond: Callable[[socket.socket, RecordedRequest], None], label: str, *,
             optional: bool = False) -> None:
        if times is not None and times < 1:
            raise ValueError(f"times must be >= 1 or None, not {times}")
        with self._lock:
            self._answers.append(_Answer(method, patterns, times, respond, label, optional))

    def _take(self, request: RecordedRequest) -> _Answer | None:
        with self._lock:
            self.requests.append(request)
            for answer in self._answers:
                if (answer.remaining is None or answer.remaining > 0) and answer.matches(request):
                    if answer.remaining is not None:
                        answer.remaining -= 1
                    return answer
            scripted = [str(a) for a in self._answers if a.remaining is None or a.remaining > 0]
            message = (f"langgraph_mock: unexpected request {request}; scripted: "
                       + ("; ".join(scripted) if scripted else "nothing (left)"))
            self._failures.append(message)
            return None

    def _accept_all(self) -> None:
        while not self._stopping.is_set():
            try:
                sock = self._listener.accept()[0]
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._serve, args=(sock,), name="langgraph-mock-answer", daemon=True)
            self._workers.append(worker)
            worker.start()

    def _serve(self, sock: socket.socket) -> None:
        self._open.add(sock)
        sock.settimeout(_TIMEOUT)
        request = None
        try:
            request = _read_request(sock)
            answer = self._take(request)
            if answer is None:
                _send_json(sock, 500, _dumps({"detail": self._failures[-1]}), {})
            else:
                answer.respond(sock, request)
        except OSError:  # the client left (or closed before asking anything)
            if request is not None:
                request.disconnected.set()
        except Exception as exc:  # a bug of a scripted answer: the test fails, not just this thread
            with self._lock:
                self._failures.append(f"langgraph_mock: answering {request} failed: {exc!r}")
        finally:
            self._open.discard(sock)
            sock.close()


def read_http_request(sock: socket.socket) -> tuple[str, str, dict[str, str], bytes]:
    """One HTTP/1.1 request off ``sock``: method, target, headers (names lowercased), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError("the client closed before sending a request")
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError("the client closed in the middle of its request body")
        body += piece
    return method, target, headers, body


def _read_request(sock: socket.socket) -> RecordedRequest:
    method, target, headers, body = read_http_request(sock)
    parts = urlsplit(target)
    return RecordedRequest(method, parts.path, parse_qs(parts.query), headers, body)


def _run_path(request: RecordedRequest, run_id: str) -> str:
    thread_id = request.thread_id
    run = quote(run_id, safe="")
    return f"/threads/{quote(thread_id, safe='')}/runs/{run}" if thread_id else f"/runs/{run}"


class _ScriptedRun:
    """One run of a scripted stream. A resumable run's events carry IDs (``metadata`` is 0),
    and a reconnection with ``Last-Event-ID`` gets the rest of the script after that event;
    each ``drop()`` cuts one connection only."""

    def __init__(self, script: list[Item], run_id: str, where: str, *, resumable: bool, delay: float) -> None:
        self.items: list[Item] = [Event("metadata", {"run_id": run_id, "attempt": 1}), *script]
        self.where = where
        self.resumable = resumable
        self.delay = delay
        self.numbers: dict[int, int] = {}  # position in items -> event number
        for position, item in enumerate(self.items):
            if isinstance(item, Event):
                self.numbers[position] = len(self.numbers)
        self.fired: set[int] = set()  # the drops that already cut a connection
        self.lock = threading.Lock()

    def answer_run(self, sock: socket.socket, request: RecordedRequest) -> None:
        """Answer ``GET`` of the run: it ended, failed if the script has an ``error`` event."""
        failed = any(isinstance(item, Event) and item.name == "error" for item in self.items)
        run_id = self.where.rsplit("/", 1)[-1]
        body = _dumps({"run_id": run_id, "status": "error" if failed else "success"})
        _send_json(sock, 200, body, {})

    def resume(self, sock: socket.socket, request: RecordedRequest) -> None:
        """Answer a reconnection: the events after ``Last-Event-ID`` (all without one)."""
        last = request.headers.get("last-event-id")
        self.send(sock, request, after=int(last) if last and last.isdigit() else None)

    def send(self, sock: socket.socket, request: RecordedRequest, *, after: int | None) -> None:
        sock.sendall(_head(200, "text/event-stream; charset=utf-8",
                           {"location": self.where + "/stream", "content-location": self.where}, chunked=True))
        start = 0 if after is None else next(
            (position + 1 for position, number in self.numbers.items() if number == after), len(self.items))
        for position in range(start, len(self.items)):
            item = self.items[position]
            if isinstance(item, Event):
                if self.delay and position and not _quiet(sock, self.delay):
                    request.disconnected.set()
                    return
                _send_chunk(sock, item.encode(str(self.numbers[position]) if self.resumable else None))
            elif isinstance(item, Heartbeat):
                _send_chunk(sock, _HEARTBEAT)
            elif isinstance(item, Pause):
                if not _quiet(sock, item.seconds):
                    request.disconnected.set()
                    return
            elif isinstance(item, Drop):
                with self.lock:
                    if position in self.fired:
                        continue
                    self.fired.add(position)
                _reset(sock)
                return
        sock.sendall(b"0\r\n\r\n")


def _head(status: int, content_type: str, headers: Mapping[str, str], *, chunked: bool = False,
          length: int = 0) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", f"content-type: {content_type}",
             "connection: close"]
    lines.append("transfer-encoding: chunked" if chunked else f"content-length: {length}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _send_chunk(sock: socket.socket, data: bytes) -> None:
    sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _send_json(sock: socket.socket, status: int, body: bytes, headers: Mapping[str, str]) -> None:
    sock.sendall(_head(status, "application/json", headers, length=len(body)) + body)


def _quiet(sock: socket.socket, seconds: float) -> bool:
    """Wait ``seconds`` sending nothing; ``False`` as soon as the client closes the connection."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([sock], [], [], left)
        if readable:
            try:
                if not sock.recv(65536):
                    return False
            except OSError:
                return False
    return True


def _reset(sock: socket.socket) -> None:
    # Linger on, for 0 s: close() sends a reset. struct linger is two u_shorts on Windows.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0))
    sock.close()
