"""Compare this client with the official sync SDK and hand-rolled sseclient-py, in one run.

    python -m benchmarks                      # the full table (about 6 minutes on 2 cores)
    python -m benchmarks --quick              # a smoke run in under a minute; CI runs it
    python -m benchmarks --only throughput    # re-measure one section

Every measurement runs in a fresh process, clients alternating (A B C D A B C D ...), against a
loopback SSE server of its own (``benchmarks/server.py``) and, for per-run overhead, a real
``langgraph dev`` server with the bundled demo graph. The table shows medians over the rounds
and each figure's ratio to the official SDK's. Nothing is asserted: numbers are reported.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ["stateless", "stateless+orjson", "sdk", "sseclient"]
REAL_CLIENTS = ["stateless", "stateless+orjson", "sdk"]
MiB = 2**20

FULL: dict[str, Any] = {
    "rounds": 3,
    "throughput": {"n": 200_000, "size": 200, "framing": "chunked"},
    "latency": {"n": 60, "interval": 0.05},
    "big": [(16 * MiB, "ascii"), (64 * MiB, "ascii"), (64 * MiB, "wide")],
    "volume": {"total": 1024 * MiB, "size": 64 * 1024, "framing": "chunked"},
    "import_repeats": 11,
    "roundtrip": {"runs": 8},
    "real_rounds": 2,
    "shared": {"threads": 32, "runs": 3},
    "many": {"runs": 40, "concurrency": 8},
    "thread_events": {"n": 50_000, "size": 200},
    "sseclient_big_limit": 60.0,
}
QUICK: dict[str, Any] = {
    "rounds": 2,
    "throughput": {"n": 20_000, "size": 200, "framing": "chunked"},
    "latency": {"n": 6, "interval": 0.05},
    "big": [(4 * MiB, "ascii"), (4 * MiB, "wide")],
    "volume": {"total": 32 * MiB, "size": 64 * 1024, "framing": "chunked"},
    "import_repeats": 3,
    "roundtrip": {"runs": 1},
    "real_rounds": 1,
    "shared": {"threads": 8, "runs": 1},
    "many": {"runs": 8, "concurrency": 4},
    "thread_events": {"n": 5_000, "size": 200},
    "sseclient_big_limit": 3.0,
}
HIGHER, LOWER = "higher", "lower"
SECTIONS = ("throughput", "latency", "big", "volume", "thread-stream", "import", "real-server", "relays",
            "observability", "mount")


def worker(client: str, scenario: str, url: str, params: dict[str, Any], timeout: float = 600) -> dict[str, Any]:
    """Run one measurement in a fresh process and return its JSON result."""
    command = [sys.executable, "-m", "benchmarks.worker", client, scenario, url, json.dumps(params)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"> {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def alternate(
    clients: list[str], rounds: int, scenario: str, url: str, params: dict[str, Any],
    limits: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Medians per client over ``rounds`` of A B C ... in fresh processes.

    ``limits`` caps a client's time per measurement (a client that exceeds it is measured once).
    """
    samples: dict[str, list[dict[str, Any]]] = {client: [] for client in clients}
    for _ in range(rounds):
        for client in clients:
            if samples[client] and "error" in samples[client][-1]:
                continue
            limit = (limits or {}).get(client, 600.0)
            samples[client].append(worker(client, scenario, url, params, timeout=limit))
    medians: dict[str, Any] = {}
    for client, results in samples.items():
        good = [r for r in results if "error" not in r]
        if not good:
            medians[client] = {"error": results[0]["error"]}
            continue
        medians[client] = {key: statistics.median(r[key] for r in good) for key in good[0]}
    return medians


#: What ``import stateless_client`` cannot go below: its two dependencies, imported alone.
FLOOR_IMPORT = "requests, dataclasses_json"


def import_times(modules: dict[str, str], repeats: int) -> dict[str, list[float]]:
    """Wall times in ms of a cold ``import ...`` per name, each in a fresh interpreter, the
    names alternating (A B C A B C ...) so that load on the machine hits them alike.

    The checkout's bytecode is written first, as ``pip install`` does: with
    ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise compile this package from source
    (about 40 ms more) while the site-packages it is compared with load their cached bytecode.
    """
    compileall.compile_dir(ROOT / "stateless_client", quiet=1)
    times: dict[str, list[float]] = {name: [] for name in modules}
    for _ in range(repeats):
        for name, module in modules.items():
            code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
            done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
            times[name].append(float(done.stdout) * 1000)
    return times


def start_bench_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.server"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


class Table:
    """Rows of ``scenario | metric | client values | ratio to the SDK``."""

    def __init__(self, clients: list[str]) -> None:
        self.clients = clients
        self.rows: list[list[str]] = []

    def add(
        self, label: str, metric: str, results: dict[str, Any], better: str, fmt: str = "{:,.1f}",
        ratio: bool = True,
    ) -> None:
        row = [label, f"{metric} ({better} is better)"]
        sdk = results.get("sdk", {}).get(metric)
        for client in self.clients:
            value = results.get(client, {}).get(metric)
            if value is None:
                row.append(results.get(client, {}).get("error", "-")[:40])
                continue
            cell = fmt.format(value)
            if ratio and sdk and client != "sdk":
                cell += f" ({value / sdk:.2f}x)"
            row.append(cell)
        self.rows.append(row)
        print(" | ".join(row), file=sys.stderr, flush=True)  # progress: a long run is never lost

    def render(self) -> str:
        header = ["scenario", "metric", *self.clients]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute (CI smoke run)")
    parser.add_argument("--no-real-server", action="store_true", help="skip the langgraph dev figures")
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="run only this section (repeatable), e.g. to re-measure one row")
    args = parser.parse_args(argv)
    wanted = set(args.only or SECTIONS)
    plan = QUICK if args.quick else FULL
    rounds = plan["rounds"]
    table = Table(CLIENTS)
    started = time.monotonic()

    observed = ""
    process, url = start_bench_server()
    try:
        if "throughput" in wanted:
            spec = plan["throughput"]
            results = alternate(CLIENTS, rounds, "throughput", url, spec)
            label = f"{spec['n']:,} x {spec['size']} B updates"
            table.add(label, "events_per_s", results, HIGHER, "{:,.0f}")
            table.add(label, "cpu_us_per_event", results, LOWER, "{:.2f}")
        for framing in ("chunked", "close") if "latency" in wanted else ():
            results = alternate(CLIENTS, rounds, "latency", url, {**plan["latency"], "framing": framing})
            label = f"latency, events {plan['latency']['interval'] * 1000:.0f} ms apart, {framing}"
            for metric in ("p50_ms", "p99_ms", "max_ms"):
                table.add(label, metric, results, LOWER, "{:.2f}")
        for size, text in plan["big"] if "big" in wanted else ():
            spec = {"size": size, "framing": "chunked", "text": text}
            worker("stateless", "big", url, spec)  # server builds its cache
            # sseclient-py assembles a long line quadratically: 4 MiB takes ~25 s here.
            results = alternate(CLIENTS, rounds, "big", url, spec, limits={"sseclient": plan["sseclient_big_limit"]})
            label = f"one {size // MiB} MiB values event" + (", one emoji in it" if text == "wide" else "")
            table.add(label, "wall_s", results, LOWER, "{:.2f}")
            table.add(label, "peak_rss_mb", results, LOWER, "{:,.0f}")
            table.add(label, "growth_over_size", results, LOWER, "{:.2f}")
        if "volume" in wanted:
            results = alternate(CLIENTS, 1, "volume", url, plan["volume"])
            label = f"{plan['volume']['total'] // MiB} MiB stream of 64 KiB events"
            table.add(label, "growth_mb", results, LOWER, "{:+.1f}", ratio=False)
            table.add(label, "rss_end_mb", results, LOWER, "{:.0f}")
        if "thread-stream" in wanted:
            spec = plan["thread_events"]
            results = alternate(REAL_CLIENTS, rounds, "thread_events", url, spec)
            label = f"threads.stream, {spec['n']:,} x {spec['size']} B values read through `values`"
            table.add(label, "cpu_us_per_event", results, LOWER, "{:.2f}")
            table.add(label, "peak_mib_per_100k", results, LOWER, "{:.1f}")
            table.add(label, "retained_mib_per_100k", results, LOWER, "{:.2f}")
            table.add(label, "threads_left", results, LOWER, "{:.0f}", ratio=False)
            table.add(label, "non_daemon_threads_left", results, LOWER, "{:.0f}", ratio=False)
        if "observability" in wanted:  # its own table: variants of one client (benchmarks/observability.py)
            from benchmarks.observability import section as observability

            observed = observability(url, n=plan["throughput"]["n"], rounds=rounds)
    finally:
        process.kill()
        process.wait()

    if "import" in wanted:
        times = import_times(
            {"floor": FLOOR_IMPORT, "stateless": "stateless_client", "sdk": "langgraph_sdk"}, plan["import_repeats"]
        )
        imports = {name: {"import_ms": statistics.median(samples), "best_ms": min(samples)}
                   for name, samples in times.items()}
        for name in ("stateless", "sdk"):
            imports[name]["over_floor_ms"] = imports[name]["import_ms"] - imports["floor"]["import_ms"]
        table.add("cold import", "import_ms", imports, LOWER, "{:.0f}")
        table.add("cold import", "best_ms", imports, LOWER, "{:.0f}")
        floor = imports["floor"]
        table.add(f"cold import minus `import {FLOOR_IMPORT}` ({floor['import_ms']:.0f} ms, best "
                  f"{floor['best_ms']:.0f})", "over_floor_ms", imports, LOWER, "{:+.0f}", ratio=False)

    if "real-server" in wanted and not args.no_real_server:
        from stateless_client._dev.local_server import LocalServer

        with LocalServer(ROOT / "stateless_client" / "_dev" / "demo") as server:
            # langgraph dev takes ~1 s to start any run, whatever the client: the CPU figures
            # are the client's own overhead.
            results = alternate(REAL_CLIENTS, plan["real_rounds"], "roundtrip", server.url, plan["roundtrip"])
            label = "langgraph dev, one echo run"
            table.add(label, "wait_ms", results, LOWER, "{:.1f}")
            table.add(label, "wait_cpu_ms", results, LOWER, "{:.2f}")
            table.add(label, "stream_ms", results, LOWER, "{:.1f}")
            table.add(label, "stream_cpu_ms", results, LOWER, "{:.2f}")
            results = alternate(REAL_CLIENTS, plan["real_rounds"], "thread_stream", server.url, plan["roundtrip"])
            label = "langgraph dev, threads.stream: start a run, read values and output"
            table.add(label, "run_ms", results, LOWER, "{:.1f}")
            table.add(label, "cpu_ms", results, LOWER, "{:.2f}")
            table.add(label, "threads_left", results, LOWER, "{:.0f}", ratio=False)
            spec = plan["shared"]
            results = alternate(REAL_CLIENTS, 1, "shared", server.url, spec)
            label = f"langgraph dev, {spec['threads']} threads share a client"
            table.add(label, "runs_per_s", results, HIGHER, "{:.1f}")
            table.add(label, "cpu_ms_per_run", results, LOWER, "{:.2f}")
            table.add(label, "errors", results, LOWER, "{:.0f}", ratio=False)
            table.add(label, "pool_warnings", results, LOWER, "{:.0f}", ratio=False)
            spec = plan["many"]
            results = alternate(REAL_CLIENTS, 1, "many", server.url, spec)
            label = (f"langgraph dev, {spec['runs']} runs at concurrency {spec['concurrency']} "
                     "(wait_many; SDK: thread pool)")
            table.add(label, "wall_s", results, LOWER, "{:.1f}")
            table.add(label, "runs_per_s", results, HIGHER, "{:.1f}")
            table.add(label, "cpu_ms_per_run", results, LOWER, "{:.2f}")

    print(f"# stateless_client benchmarks ({'quick' if args.quick else 'full'})")
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.python_implementation()} "
          f"{platform.python_version()}; {os.cpu_count()} cores; {platform.machine()}; "
          f"medians of {rounds} rounds ({plan['real_rounds']} against langgraph dev); "
          "ratios are to the official sync SDK (sdk)\n")
    print(table.render())
    if observed:
        print("\n" + observed)
    if "relays" in wanted:  # its own table: other columns (benchmarks/relays.py)
        from benchmarks.relays import section

        print("\n" + section(quick=args.quick))
    if "mount" in wanted and not args.no_real_server:  # the JS SDK through the mount (benchmarks/mount.py)
        from benchmarks.mount import section as mount

        print("\n" + mount(quick=args.quick))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
