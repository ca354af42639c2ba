"""Recorded runs: a test's exchanges with a real server written to a file, then replayed offline.

Recording puts a ``LangGraphMock`` in front of the real server whose one answer forwards each
request and relays the answer as it arrives, writing down what came back. Replaying scripts a
``LangGraphMock`` with those answers, in order. What is written: each request's method, path,
query and JSON body, and each answer's status, ``content-type``, ``location`` and
``content-location`` headers and body (a stream as its list of events). Request headers, which
carry the API key, authorization and cookies, and every other response header (``set-cookie``)
are never written.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from ._mock import LangGraphMock, RecordedRequest, _head, _send_chunk

__all__ = ["recorder", "replayer", "recording_path"]

FORMAT = 1
_KEPT_HEADERS = ("content-type", "location", "content-location")
# Not forwarded: the connection's own headers, and encodings the recording would have to undo.
_NOT_FORWARDED = frozenset({"host", "content-length", "connection", "keep-alive", "transfer-encoding",
                            "accept-encoding", "te", "upgrade"})
_ID_SEGMENT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)


def recording_path(test_file: Path, test_name: str) -> Path:
    """Where a test's recording lives: ``recordings/<test module>/<test name>.json`` beside it."""
    safe = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
    return test_file.parent / "recordings" / test_file.stem / f"{safe}.json"


def recorder(upstream: str) -> tuple[LangGraphMock, Callable[[Path], None]]:
    """A mock that forwards every request to ``upstream`` and records the exchanges, and the
    function that writes them to a file."""
    import requests

    session = requests.Session()
    session.trust_env = False  # straight to the local server, never through a proxy
    exchanges: list[dict[str, Any]] = []
    lock = threading.Lock()

    def forward(sock: socket.socket, request: RecordedRequest) -> None:
        record: dict[str, Any] = {"method": request.method, "path": request.path, "query": request.query,
                                  "request": request.json}
        with lock:
            exchanges.append(record)
        url = upstream + request.path + (f"?{urlencode(request.query, doseq=True)}" if request.query else "")
        headers = {name: value for name, value in request.headers.items() if name not in _NOT_FORWARDED}
        with session.request(request.method, url, data=request.body or None, headers=headers, stream=True,
                             timeout=(10, 600), allow_redirects=False) as answer:
            kept = {name: answer.headers[name] for name in _KEPT_HEADERS if name in answer.headers}
            record.update(status=answer.status_code, headers=kept)
            content_type = kept.get("content-type", "")
            if content_type.startswith("text/event-stream"):
                record["events"] = []
                sock.sendall(_head(answer.status_code, content_type, _others(kept), chunked=True))
                _relay_events(answer, sock, record["events"])
                sock.sendall(b"0\r\n\r\n")
            else:
                body = answer.content
                record["body"] = _as_json(body)
                sock.sendall(_head(answer.status_code, content_type or "application/json", _others(kept),
                                   length=len(body)) + body)

    mock = LangGraphMock()
    mock._add(None, ("*",), None, forward, f"forwarded to {upstream}")

    def save(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with lock:
            text = json.dumps({"format": FORMAT, "exchanges": exchanges}, indent=1, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        session.close()

    return mock, save


def replayer(path: Path) -> LangGraphMock:
    """A mock scripted with the recording at ``path``: each recorded answer serves one request
    with the same method and path (IDs in the path match any ID), in the recorded order."""
    recording = json.loads(path.read_text(encoding="utf-8"))
    if recording.get("format") != FORMAT:
        raise ValueError(f"{path}: a recording of format {recording.get('format')!r}, not {FORMAT}")
    mock = LangGraphMock()
    for exchange in recording["exchanges"]:
        if "status" not in exchange:  # the request got no answer while recording
            continue
        pattern = _ID_SEGMENT.sub("*", exchange["path"])
        mock._add(exchange["method"], (pattern,), 1, _replay(exchange),
                  f"{exchange['method']} {exchange['path']} -> {exchange['status']} (recorded)")
    return mock


def _replay(exchange: dict[str, Any]) -> Callable[[socket.socket, RecordedRequest], None]:
    headers = dict(exchange["headers"])
    content_type = headers.get("content-type", "application/json")

    def respond(sock: socket.socket, request: RecordedRequest) -> None:
        if "events" in exchange:
            sock.sendall(_head(exchange["status"], content_type, _others(headers), chunked=True))
            for item in exchange["events"]:
                _send_chunk(sock, _encode(item))
            sock.sendall(b"0\r\n\r\n")
        else:
            body = exchange["body"]
            raw = body["raw"].encode() if isinstance(body, dict) and set(body) == {"raw"} else (
                b"" if body is None else json.dumps(body).encode())
            sock.sendall(_head(exchange["status"], content_type, _others(headers), length=len(raw)) + raw)

    return respond


def _encode(item: dict[str, Any]) -> bytes:
    """A recorded event as the server wrote it (data that was not JSON, as it came)."""
    text = item["raw"] if "raw" in item else json.dumps(item["data"], separators=(",", ":"))
    block = f"event: {item['event']}\n" + "".join(f"data: {line}\n" for line in text.split("\n"))
    if item.get("id") is not None:
        block += f"id: {item['id']}\n"
    return (block + "\n").encode()


def _relay_events(answer: Any, sock: socket.socket, events: list[dict[str, Any]]) -> None:
    """Send each piece of the upstream stream on as it arrives; write down its events."""
    from ..sse import decode

    pieces: list[bytes] = []

    def relayed() -> Any:
        for piece in answer.iter_content(chunk_size=None):
            _send_chunk(sock, piece)
            pieces.append(piece)
            yield piece

    for sse in decode(relayed()):
        item: dict[str, Any] = {"event": sse.event}
        try:
            item["data"] = json.loads(sse.data)
        except ValueError:
            item["raw"] = sse.data
        if sse.id is not None:
            item["id"] = sse.id
        events.append(item)


def _as_json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return {"raw": body.decode("utf-8", "replace")}


def _others(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "content-type"}
