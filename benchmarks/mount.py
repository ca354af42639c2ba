"""The official JS SDK through the browser mount (Flask under waitress) against the same SDK
talking to ``langgraph dev`` directly (issue 22).

    python -m benchmarks.mount             # 3 rounds (about 2 minutes on 2 cores)
    python -m benchmarks.mount --quick     # one round (under a minute, most of it langgraph dev's start)
    python -m benchmarks --only mount      # the same, from the main runner

Three processes beside this one: ``langgraph dev`` serving ``tests/graphs``, the test app of
``tests/mount_app.py`` (the mount at ``/langgraph``, ``owner_policy``, waitress) in a process of
its own, and a fresh Node process per measurement running ``tests/js/sdk_client.mjs bench``
(the SDK's ``Client``, ``tests/js`` installed with ``npm ci`` when missing). ``mount`` and
``direct`` alternate, one Node process each per round:

- time to first token: ``runs.stream`` on a new thread (``messages-tuple``) of the
  ``slow_tokens`` echo graph, from the call to the first event after ``metadata``; through the
  mount this includes its owner check (one ``GET /threads/{id}`` upstream) before the run starts;
- CPU per event: two runs of the ``slow`` graph writing N small ``custom`` events at full speed,
  in one Node process: the Node process's CPU (``process.cpuUsage``) over the second stream (the
  first warms its JIT up), and the mount process's (``/proc/<pid>/stat``) over both, per event.

Medians over the rounds; ratios are ``mount`` to ``direct``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
MODES = ["mount", "direct"]
USER = "bench"
FULL: dict[str, Any] = {"rounds": 3, "ttft_runs": 5, "events": 5000}
QUICK: dict[str, Any] = {"rounds": 1, "ttft_runs": 3, "events": 2000}
NODE_TIMEOUT = 120.0


def _serve_mount(upstream: str) -> None:
    """The mount's process: the test app under waitress; prints its URL, serves until killed."""
    sys.path.insert(0, str(ROOT))
    from tests.mount_app import make_app, serve

    app = make_app(upstream)  # owner_policy, the user from the X-Test-User header
    with serve(app) as url:
        print(url, flush=True)
        while True:
            time.sleep(3600)


def _cpu_seconds(pid: int) -> Optional[float]:
    """A process's user + system CPU time (Linux ``/proc``; ``None`` elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _node(options: dict[str, Any]) -> list[dict[str, Any]]:
    from tests.node import run_node

    rounds: list[dict[str, Any]] = run_node("bench", options, timeout=NODE_TIMEOUT)["rounds"]
    return rounds


def measure(mode: str, api: dict[str, Any], plan: dict[str, Any], mount_pid: int) -> dict[str, Any]:
    """One round for one mode: time to first token, then CPU per event."""
    options = {**api[mode], "timeout": NODE_TIMEOUT}
    firsts = _node({**options, "rounds": plan["ttft_runs"], "graph": "slow_tokens",
                    "input": {"messages": [{"role": "user", "content": "a b c"}]}, "streamMode": ["messages-tuple"]})
    before = _cpu_seconds(mount_pid)
    # Two runs in one Node process, the first to warm its JIT up; the mount's CPU over both.
    warm, burst = _node({**options, "rounds": 2, "graph": "slow", "input": {"n": plan["events"], "delay": 0},
                         "streamMode": ["custom"]})
    after = _cpu_seconds(mount_pid)
    result = {
        "ttft_ms": statistics.median(r["ttft"] for r in firsts) * 1000,
        "events": burst["events"],
        "client_cpu_us_per_event": burst["cpu"] / burst["events"] * 1e6,
        "wall_ms": burst["wall"] * 1000,
    }
    if mode == "mount" and before is not None and after is not None:
        result["mount_cpu_us_per_event"] = (after - before) / (warm["events"] + burst["events"]) * 1e6
    return result


def section(quick: bool = False) -> str:
    """Start langgraph dev and the mount, alternate the modes; the Markdown table."""
    sys.path.insert(0, str(ROOT))
    from stateless_client._dev.local_server import LocalServer
    from tests.node import NodeMissing, node_modules

    try:
        node_modules()
    except NodeMissing as missing:
        return f"(mount section skipped: {missing})"
    except (RuntimeError, subprocess.TimeoutExpired) as failed:  # npm ci: the other sections still print
        return f"(mount section not run: {failed})"
    plan = QUICK if quick else FULL
    with LocalServer(ROOT / "tests" / "graphs") as server:
        mount = subprocess.Popen([sys.executable, "-m", "benchmarks.mount", "serve", server.url], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert mount.stdout is not None
            url = mount.stdout.readline().strip()
            api = {"mount": {"apiUrl": url + "/langgraph", "headers": {"X-Test-User": USER}},
                   "direct": {"apiUrl": server.url}}
            samples: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
            for _ in range(plan["rounds"]):
                for mode in MODES:
                    samples[mode].append(measure(mode, api, plan, mount.pid))
        finally:
            mount.kill()
            mount.wait()
    results = {mode: {key: statistics.median(r[key] for r in got) for key in got[0]} for mode, got in samples.items()}
    return _table(results, plan)


def _table(results: dict[str, dict[str, float]], plan: dict[str, Any]) -> str:
    rows = [
        (f"JS SDK, `runs.stream` of an echo run: time to first token (median of {plan['ttft_runs']})",
         "ttft_ms", "{:.1f}"),
        (f"JS SDK, one run of {plan['events']:,} `custom` events: Node's CPU per event", "client_cpu_us_per_event",
         "{:.1f}"),
        ("the same run: wall time", "wall_ms", "{:.0f}"),
        ("the same run: the mount process's CPU per event (Flask, waitress)", "mount_cpu_us_per_event", "{:.1f}"),
    ]
    lines = ["| scenario | metric (lower is better) | mount | direct |", "|---|---|---|---|"]
    for label, metric, fmt in rows:
        mount, direct = results["mount"].get(metric), results["direct"].get(metric)
        cell = "-" if mount is None else fmt.format(mount)
        if mount is not None and direct:
            cell += f" ({mount / direct:.2f}x)"
        lines.append(f"| {label} | {metric} | {cell} | {'-' if direct is None else fmt.format(direct)} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        _serve_mount(argv[1])
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mount", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round, fewer events")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(section(args.quick))
    print(f"\n({time.monotonic() - started:.0f} s; {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
