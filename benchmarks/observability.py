"""What logging and tracing cost per event (issue 20): ``python -m benchmarks --only observability``.

The throughput stream of ``benchmarks/server.py`` read in fresh processes, variants
alternating: this client with the ``stateless_client`` logger at WARNING and no tracing (what
every caller gets), with the logger at DEBUG (a handler formatting every record), with
``stateless_client.otel.instrument`` on (an SDK ``TracerProvider`` keeping its spans), and the
official SDK. Each figure is CPU per event: logging and tracing are meant to cost one record and
one span per stream, nothing per event.

    python -m benchmarks.observability VARIANT URL N   # one measurement: one JSON line
"""

from __future__ import annotations

import io
import json
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("off", "debug", "traced", "sdk")
LABELS = {"off": "ours, logger at WARNING, no tracing", "debug": "ours, logger at DEBUG",
          "traced": "ours, otel.instrument on", "sdk": "official SDK"}


def _parts(variant: str, url: str, n: int) -> Iterator[Any]:
    spec = {"scenario": "throughput", "size": 200, "framing": "chunked", "n": n}
    if variant == "sdk":
        from langgraph_sdk import get_sync_client

        yield from get_sync_client(url=url, api_key=None).runs.stream(None, "bench", input=spec, stream_mode="updates")
        return
    sys.modules["orjson"] = None  # type: ignore[assignment]  # the stdlib json path, like the SDK's
    from stateless_client import get_client

    client = get_client(url=url, api_key=None)
    logger = logging.getLogger("stateless_client")
    logger.setLevel(logging.DEBUG if variant == "debug" else logging.WARNING)
    logger.addHandler(logging.StreamHandler(io.StringIO()))
    if variant == "traced":
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        from stateless_client import otel

        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
        otel.instrument(client, tracer_provider=provider)
    yield from client.runs.stream(None, "bench", input=spec, stream_mode="updates")


def measure(variant: str, url: str, n: int) -> dict[str, float]:
    """CPU per event (µs) and wall time of one stream of ``n`` updates."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for part in _parts(variant, url, n) if part.data is not None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count == n + 1, count  # the updates and the metadata event
    return {"cpu_us_per_event": cpu / count * 1e6, "wall_s": wall}


def section(url: str, *, n: int, rounds: int) -> str:
    """The markdown table: medians over ``rounds`` of the variants alternating."""
    samples: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for _ in range(rounds):
        for variant in VARIANTS:
            command = [sys.executable, "-m", "benchmarks.observability", variant, url, str(n)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=600)
            samples[variant].append(json.loads(done.stdout.strip().splitlines()[-1])["cpu_us_per_event"])
    medians = {variant: statistics.median(values) for variant, values in samples.items()}
    lines = [f"| {n:,} x 200 B updates, one stream | cpu_us_per_event (lower is better) | vs off | vs SDK |",
             "|---|---|---|---|"]
    for variant in VARIANTS:
        value = medians[variant]
        lines.append(f"| {LABELS[variant]} | {value:.2f} | {value / medians['off']:.2f}x | "
                     f"{value / medians['sdk']:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    variant_arg, url_arg, n_arg = sys.argv[1:4]
    print(json.dumps(measure(variant_arg, url_arg, int(n_arg))))
