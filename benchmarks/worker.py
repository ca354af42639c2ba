"""One measurement in a fresh process: ``python -m benchmarks.worker CLIENT SCENARIO URL PARAMS``.

Prints one JSON object of results. CLIENT is one of ``CLIENTS``; ``stateless`` runs with the
standard ``json`` module (``orjson`` is blocked before import), ``stateless+orjson`` with orjson.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any, Callable, Iterator

CLIENTS = ("stateless", "stateless+orjson", "sdk", "sseclient")
Stream = Callable[[dict[str, Any]], Iterator[tuple[str, Any]]]


def rss_mb() -> float:
    """Current resident set size in MiB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_stream(client: str, url: str) -> Stream:
    """A function that starts a stream with ``input`` and yields ``(event, data)``."""
    if client.startswith("stateless"):
        if client == "stateless":
            sys.modules["orjson"] = None  # type: ignore[assignment]  # force the stdlib json path
        from stateless_client import _json, get_client

        expected_backend = "orjson" if client.endswith("orjson") else "json"
        assert expected_backend == _json.BACKEND, _json.BACKEND
        ours = get_client(url=url, api_key=None)

        def stream(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
            for part in ours.runs.stream(None, "bench", input=spec, stream_mode="updates"):
                yield part.event, part.data

        return stream
    if client == "sdk":
        from langgraph_sdk import get_sync_client

        sdk = get_sync_client(url=url, api_key=None)

        def stream(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
            for part in sdk.runs.stream(None, "bench", input=spec, stream_mode="updates"):
                yield part.event, part.data

        return stream
    if client == "sseclient":
        import requests
        import sseclient

        session = requests.Session()

        def stream(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
            body = {"assistant_id": "bench", "input": spec, "stream_mode": "updates"}
            with session.post(url + "/runs/stream", json=body, stream=True) as response:
                for event in sseclient.SSEClient(response).events():
                    yield event.event, json.loads(event.data)

        return stream
    raise SystemExit(f"unknown client {client!r}; one of {CLIENTS}")


def throughput(stream: Stream, params: dict[str, Any]) -> dict[str, float]:
    spec = {"scenario": "throughput", **params}
    wall, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _event, data in stream(spec):
        count += data is not None
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count == params["n"] + 1, count
    return {"events_per_s": count / wall, "cpu_us_per_event": cpu / count * 1e6, "wall_s": wall}


def latency(stream: Stream, params: dict[str, Any]) -> dict[str, float]:
    spec = {"scenario": "latency", **params}
    delays = []
    for event, data in stream(spec):
        if event == "updates":
            delays.append((time.time() - data["agent"]["messages"][0]["t"]) * 1000)
    delays.sort()
    assert len(delays) == params["n"], len(delays)
    return {"p50_ms": delays[len(delays) // 2], "p99_ms": delays[min(int(len(delays) * 0.99), len(delays) - 1)],
            "max_ms": delays[-1]}


def big(stream: Stream, params: dict[str, Any]) -> dict[str, float]:
    spec = {"scenario": "big", **params}
    baseline = rss_mb()
    wall = time.perf_counter()
    sizes = [len(data["messages"]) for event, data in stream(spec) if event == "values"]
    wall = time.perf_counter() - wall
    assert sizes and sizes[0] > 0
    size_mb = params["size"] / 2**20
    peak = peak_rss_mb()
    return {"wall_s": wall, "peak_rss_mb": peak, "baseline_mb": baseline,
            "peak_over_size": peak / size_mb, "growth_over_size": (peak - baseline) / size_mb}


def volume(stream: Stream, params: dict[str, Any]) -> dict[str, float]:
    spec = {"scenario": "volume", **params}
    expected = params["total"] // (params["size"] + 8)
    early = None
    count = 0
    for _event, _data in stream(spec):
        count += 1
        if count == 200:
            early = rss_mb()
    end = rss_mb()
    assert early is not None and count >= expected * 0.9, (count, expected)
    return {"rss_start_mb": early, "rss_end_mb": end, "growth_mb": end - early}


def _real_client(client: str, url: str) -> Any:
    if client.startswith("stateless"):
        from stateless_client import get_client

        return get_client(url=url, api_key=None)
    from langgraph_sdk import get_sync_client

    return get_sync_client(url=url, api_key=None)


def roundtrip(client_name: str, url: str, params: dict[str, Any]) -> dict[str, float]:
    """Per-run overhead against the real server: sequential runs.wait and runs.stream."""
    client = _real_client(client_name, url)
    data = {"messages": [{"role": "user", "content": "hi"}]}
    results = {}
    for method in ("wait", "stream"):
        times, cpu = [], []
        for _ in range(params["runs"]):
            started, cpu_started = time.perf_counter(), time.process_time()
            if method == "wait":
                client.runs.wait(None, "agent", input=data)
            else:
                for _part in client.runs.stream(None, "agent", input=data, stream_mode="updates"):
                    pass
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        results[f"{method}_ms"] = sorted(times)[len(times) // 2]
        results[f"{method}_cpu_ms"] = sorted(cpu)[len(cpu) // 2]
    return results


def thread_stream(client_name: str, url: str, params: dict[str, Any]) -> dict[str, float]:
    """``threads.stream``: a run started with a command, its ``values`` read, then ``output``,
    one new thread per run; and the threads the process has at the end (the SDK fans events out
    in background threads)."""
    import threading

    client = _real_client(client_name, url)
    data = {"messages": [{"role": "user", "content": "hi"}]}
    times, cpu = [], []
    for _ in range(params["runs"]):
        started, cpu_started = time.perf_counter(), time.process_time()
        with client.threads.stream(assistant_id="agent") as thread:
            thread.run.start(input=data)
            steps = [values for values in thread.values if values]
            output = thread.output
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert steps and output["messages"][-1]["content"] == "echo: hi", (steps, output)
    return {"run_ms": sorted(times)[len(times) // 2], "cpu_ms": sorted(cpu)[len(cpu) // 2],
            "threads_left": threading.active_count() - 1}


def thread_events(client_name: str, url: str, params: dict[str, Any]) -> dict[str, float]:
    """``threads.stream`` against the loopback server: a run of ``n`` values events read through
    ``values``. Client CPU per event (one run, untraced); memory per 100k events, traced: the
    peak while reading and what a closed stream, still referenced, keeps; the threads left
    at once after close (non-daemon ones keep a program from exiting)."""
    import gc
    import threading
    import tracemalloc

    client = _real_client(client_name, url)
    n = params["n"]
    spec = {"n": n, "size": params.get("size", 200)}

    def read() -> Any:
        thread = client.threads.stream(assistant_id="bench")
        with thread:
            thread.run.start(input=spec)
            count = sum(1 for _ in thread.values)
        assert count >= n, count  # the SDK's values yield the REST state first
        return thread

    read()  # warm: imports, the connection
    cpu_started = time.process_time()
    read()
    cpu = time.process_time() - cpu_started
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = read()
    gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - before
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    assert kept is not None
    alive = [t for t in threading.enumerate() if t is not threading.main_thread()]
    scale = 100_000 / n
    return {"cpu_us_per_event": cpu / n * 1e6, "peak_mib_per_100k": peak * scale / 2**20,
            "retained_mib_per_100k": retained * scale / 2**20, "threads_left": len(alive),
            "non_daemon_threads_left": sum(1 for t in alive if not t.daemon)}


def shared(client_name: str, url: str, params: dict[str, Any]) -> dict[str, float]:
    """``threads`` threads share one client, each doing ``runs`` waits and an early-closed stream."""
    import logging
    import threading

    client = _real_client(client_name, url)
    data = {"messages": [{"role": "user", "content": "hi"}]}
    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    logging.getLogger("urllib3").addHandler(Collect(level=logging.WARNING))
    errors: list[str] = []

    def work() -> None:
        for _ in range(params["runs"]):
            try:
                state = client.runs.wait(None, "agent", input=data)
                assert state["messages"][-1]["content"] == "echo: hi"
                for _part in client.runs.stream(None, "agent", input=data, stream_mode="updates"):
                    break
            except Exception as exc:  # counted, not raised: the figure is how many fail
                errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(params["threads"])]
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    total = params["threads"] * params["runs"]
    return {"runs_per_s": total / wall, "cpu_ms_per_run": cpu / (2 * total) * 1000, "errors": len(errors),
            "pool_warnings": len(warnings)}


def many(client_name: str, url: str, params: dict[str, Any]) -> dict[str, float]:
    """``runs`` stateless runs at ``concurrency``: ``runs.wait_many`` here, a thread pool over
    ``runs.wait`` for the official SDK (what its users write by hand)."""
    from concurrent.futures import ThreadPoolExecutor

    client = _real_client(client_name, url)
    inputs = [{"messages": [{"role": "user", "content": f"question {n}"}]} for n in range(params["runs"])]
    started, cpu_started = time.perf_counter(), time.process_time()
    if client_name.startswith("stateless"):
        states = client.runs.wait_many("agent", inputs, max_concurrency=params["concurrency"])
    else:
        with ThreadPoolExecutor(params["concurrency"]) as pool:
            states = list(pool.map(lambda item: client.runs.wait(None, "agent", input=item), inputs))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert [state["messages"][-1]["content"] for state in states] == [f"echo: question {n}" for n in range(len(inputs))]
    return {"wall_s": wall, "runs_per_s": len(inputs) / wall, "cpu_ms_per_run": cpu / len(inputs) * 1000}


SCENARIOS = {"throughput": throughput, "latency": latency, "big": big, "volume": volume}
REAL_SERVER_SCENARIOS = {"roundtrip": roundtrip, "thread_stream": thread_stream, "shared": shared, "many": many,
                         "thread_events": thread_events}


def main() -> None:
    client, scenario, url, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    if scenario in REAL_SERVER_SCENARIOS:
        if client == "stateless":
            sys.modules["orjson"] = None  # type: ignore[assignment]
        print(json.dumps(REAL_SERVER_SCENARIOS[scenario](client, url, params)))
        return
    stream = make_stream(client, url)
    print(json.dumps(SCENARIOS[scenario](stream, params)))


if __name__ == "__main__":
    main()
