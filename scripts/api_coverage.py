"""How much of the API this client covers, printed, not asserted (CI runs it after the tests).

- The official sync SDK's public methods (``langgraph_sdk.get_sync_client``): how many exist
  here under the same name.
- The server's operations (the OpenAPI document in ``../shared/reference/``): how many the test
  suite called on the real ``langgraph dev`` server, from the calls that ``pytest`` records
  when ``STATELESS_CLIENT_RECORD_CALLS=FILE`` is set (see conftest.py).

    STATELESS_CLIENT_RECORD_CALLS=/tmp/calls.txt pytest
    python scripts/api_coverage.py /tmp/calls.txt
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = sorted((ROOT.parent / "shared" / "reference").glob("openapi-langgraph-api-*.json"))
RESOURCES = ("runs", "threads", "assistants", "crons", "store", "http")


def sdk_methods() -> tuple[int, list[str]]:
    """How many SDK methods exist here, and which do not."""
    import langgraph_sdk

    import stateless_client

    sdk = langgraph_sdk.get_sync_client(url="http://127.0.0.1:9", api_key=None)
    ours = stateless_client.get_client(url="http://127.0.0.1:9", api_key=None)
    names = [f"{resource}.{name}" for resource in RESOURCES for name, member in
             inspect.getmembers(getattr(sdk, resource), inspect.ismethod) if not name.startswith("_")]
    missing = [name for name in names if not hasattr(getattr(ours, name.split(".")[0]), name.split(".")[1])]
    return len(names), missing


def operations(document: Path) -> dict[tuple[str, str], re.Pattern[str]]:
    """``(METHOD, path template)`` -> a pattern matching that path."""
    spec = json.loads(document.read_text())
    found = {}
    for template, methods in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template.rstrip("/"))) + "/?$")
        for method in methods:
            found[(method.upper(), template)] = pattern
    return found


def called(calls: Path, ops: dict[tuple[str, str], re.Pattern[str]]) -> set[tuple[str, str]]:
    """The operations among the recorded ``METHOD URL`` lines (most specific template wins)."""
    hit = set()
    for line in calls.read_text().splitlines():
        method, _, url = line.partition(" ")
        path = urlsplit(url).path
        matches = [op for op, pattern in ops.items() if op[0] == method and pattern.match(path)]
        if matches:  # a literal segment beats a {parameter}: fewer braces is more specific
            hit.add(min(matches, key=lambda op: op[1].count("{")))
    return hit


def main(argv: list[str]) -> int:
    total, missing = sdk_methods()
    print(f"official sync SDK methods: {total - len(missing)} of {total} exist here")
    for name in missing:
        print(f"  not here: {name}")
    if not OPENAPI:
        print("server operations: no OpenAPI document beside the repository (../shared/reference/)")
        return 0
    ops = operations(OPENAPI[-1])
    if not argv or not Path(argv[0]).exists():
        print(f"server operations: {len(ops)} in {OPENAPI[-1].name}; no recorded calls given")
        return 0
    hit = called(Path(argv[0]), ops)
    print(f"server operations called on the real server by the test suite: {len(hit)} of {len(ops)} "
          f"({OPENAPI[-1].name})")
    for method, template in sorted(set(ops) - hit, key=lambda op: (op[1], op[0])):
        print(f"  not called: {method} {template}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
