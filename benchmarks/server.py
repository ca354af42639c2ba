"""A loopback SSE server replaying LangGraph-shaped streams at full speed.

Run as its own process (``python -m benchmarks.server``): it prints its URL, then serves
``POST /runs/stream`` until killed. The request's ``input`` picks the scenario::

    {"scenario": "throughput", "n": 200000, "size": 200, "framing": "chunked"}
    {"scenario": "latency", "n": 40, "interval": 0.05, "framing": "close"}
    {"scenario": "big", "size": 67108864, "framing": "chunked"}
    {"scenario": "big", "size": 67108864, "text": "wide"}   # one emoji among the messages
    {"scenario": "volume", "total": 1073741824, "size": 65536, "framing": "chunked"}

``chunked`` sends every event as its own HTTP chunk, as uvicorn does for LangGraph;
``close`` sends no length and no chunks and ends the body by closing the connection.

It also speaks enough of the thread-centric protocol for ``threads.stream``: ``POST
/threads/{id}/commands`` (``run.start``, whose ``input`` is ``{"n": N, "size": S}``), ``POST
/threads/{id}/stream/events`` (the run's ``running``, N ``values`` events of about S bytes and
``completed``, filtered by the body's ``channels`` and ``since``) and ``GET /threads/{id}/state``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from typing import Any

METADATA = b'event: metadata\ndata: {"run_id":"bench-run","attempt":1}\n\n'
BATCH = 256  # events per sendall() at full speed


def updates_event(size: int, **extra: Any) -> bytes:
    """An ``updates`` event whose whole SSE block is about ``size`` bytes."""
    message = {"content": "", "type": "ai", "id": "msg-1", "tool_calls": [], **extra}
    data = {"agent": {"messages": [message]}}
    overhead = len(b"event: updates\ndata: \n\n") + len(json.dumps(data, separators=(",", ":")))
    message["content"] = "x" * max(size - overhead, 0)
    return b"event: updates\ndata: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"


def values_event(size: int, text: str = "ascii") -> bytes:
    """One ``values`` event of about ``size`` bytes: a long message history.

    ``text="wide"`` puts one emoji in the first message, sent as UTF-8 as LangGraph's
    server does: Python then stores the whole joined event in 4 bytes per character.
    """
    content = "y" * 4000
    count = max(size // 4100, 1)
    messages = [{"content": content, "type": "human" if i % 2 else "ai", "id": f"m{i}"} for i in range(count)]
    if text == "wide":
        messages[0]["content"] = content[:-1] + "\U0001f600"
    document = json.dumps({"messages": messages}, separators=(",", ":"), ensure_ascii=False)
    return b"event: values\ndata: " + document.encode() + b"\n\n"


def _framed(event: bytes, chunked: bool) -> bytes:
    return b"%x\r\n%s\r\n" % (len(event), event) if chunked else event


def _head(chunked: bool) -> bytes:
    framing = b"transfer-encoding: chunked\r\n" if chunked else b"connection: close\r\n"
    return (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"content-location: /runs/bench-run\r\n" + framing + b"\r\n")


def _read_request(sock: socket.socket) -> tuple[str, dict[str, Any]]:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return "", {}
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += sock.recv(65536)
    target = head.split(b" ", 2)[1].decode()
    return target, json.loads(body) if body else {}


_THREAD_RUNS: dict[str, dict[str, Any]] = {}  # thread ID -> the input of its run


def _json_answer(value: Any) -> bytes:
    body = json.dumps(value).encode()
    return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)


def _thread_events(spec: dict[str, Any]) -> list[tuple[int, str, bytes]]:
    """``(seq, method, SSE block)`` of a thread's run: ``running``, ``n`` values, ``completed``."""
    def block(seq: int, method: str, data: Any, event_id: str) -> tuple[int, str, bytes]:
        event = {"type": "event", "event_id": event_id, "seq": seq, "method": method,
                 "params": {"namespace": [], "timestamp": 0, "data": data}}
        return seq, method, b"event: %s\ndata: %s\nid: %d\n\n" % (
            method.encode(), json.dumps(event, separators=(",", ":")).encode(), seq)

    n, size = int(spec.get("n", 1000)), int(spec.get("size", 200))
    state = {"messages": [{"content": "x" * max(size - 150, 0), "type": "ai", "id": "msg-1"}]}
    events = [block(1, "lifecycle", {"event": "running", "graph_name": "bench"}, "synth:bench-run:lc||running")]
    events += [block(seq, "values", state, f"e{seq}") for seq in range(2, n + 2)]
    events.append(block(n + 2, "lifecycle", {"event": "completed", "graph_name": "bench"},
                        "synth:bench-run:lc||completed"))
    return events


def _serve_thread(sock: socket.socket, target: str, payload: dict[str, Any]) -> None:
    thread_id = target.split("/")[2]
    if target.endswith("/commands"):
        _THREAD_RUNS[thread_id] = (payload.get("params") or {}).get("input") or {}
        sock.sendall(_json_answer({"type": "success", "id": payload.get("id"), "result": {"run_id": "bench-run"}}))
    elif target.endswith("/stream/events"):
        for _ in range(500):  # a stream may be opened just before its run starts
            if thread_id in _THREAD_RUNS:
                break
            time.sleep(0.01)
        channels = set(payload.get("channels") or ["values", "lifecycle"])
        since = payload.get("since")
        sock.sendall(_head(True))
        wanted = [_framed(block, True) for seq, method, block in _thread_events(_THREAD_RUNS.get(thread_id, {}))
                  if method in channels and (since is None or seq > since)]
        for start in range(0, len(wanted), BATCH):
            sock.sendall(b"".join(wanted[start:start + BATCH]))
        sock.sendall(b"0\r\n\r\n")
    else:  # GET /threads/{id}/state
        sock.sendall(_json_answer({"values": {"done": True}, "next": [], "tasks": [], "interrupts": [],
                                   "metadata": {}, "created_at": None, "checkpoint": {}, "parent_checkpoint": None}))


def _serve(sock: socket.socket) -> None:
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:  # keep-alive: several runs may share a connection
            target, payload = _read_request(sock)
            if not target:
                return
            if target.startswith("/threads/"):
                _serve_thread(sock, target, payload)
                continue
            spec = payload.get("input") or {}
            chunked = spec.get("framing", "chunked") == "chunked"
            sock.sendall(_head(chunked) + _framed(METADATA, chunked))
            scenario = spec.get("scenario", "throughput")
            if scenario == "throughput":
                framed = _framed(updates_event(int(spec.get("size", 200))), chunked)
                remaining = int(spec.get("n", 1000))
                while remaining > 0:
                    count = min(BATCH, remaining)
                    sock.sendall(framed * count)
                    remaining -= count
            elif scenario == "latency":
                for i in range(int(spec.get("n", 40))):
                    time.sleep(float(spec.get("interval", 0.05)))
                    sock.sendall(_framed(updates_event(200, t=time.time(), i=i), chunked))
            elif scenario == "big":
                sock.sendall(_framed(_cached_values(int(spec["size"]), spec.get("text", "ascii")), chunked))
            elif scenario == "volume":
                framed = _framed(updates_event(int(spec.get("size", 65536))), chunked)
                for _ in range(int(spec["total"]) // len(framed)):
                    sock.sendall(framed)
            if not chunked:
                return  # the close ends the body
            sock.sendall(b"0\r\n\r\n")


_VALUES_CACHE: dict[tuple[int, str], bytes] = {}


def _cached_values(size: int, text: str) -> bytes:
    if (size, text) not in _VALUES_CACHE:
        _VALUES_CACHE[size, text] = values_event(size, text)
    return _VALUES_CACHE[size, text]


def main() -> None:
    """Serve on a free loopback port; print the URL on the first line."""
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_serve_quietly, args=(client,), daemon=True).start()


def _serve_quietly(sock: socket.socket) -> None:
    try:
        _serve(sock)
    except OSError:
        pass  # the client went away: what closing a stream early looks like


if __name__ == "__main__":
    sys.exit(main())
