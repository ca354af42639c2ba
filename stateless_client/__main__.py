"""``python -m stateless_client demo``: the stateless-runs docs example against a local server.

Starts ``langgraph dev`` (extra ``local``) with the bundled echo ``agent`` graph on a free
port, or uses ``--url`` if given, then runs the documented stateless stream and wait through
this client and prints them as the docs do.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Iterator, Sequence

from ._client import get_client
from ._exceptions import StatelessClientError

DEMO_INPUT = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}


def run_demo(url: str) -> None:
    """The docs' stateless-runs example, with ``async``/``await`` deleted and the import changed."""
    client = get_client(url=url)
    assistant_id = "agent"

    print("Stateless streaming (stream_mode='updates'):")
    for chunk in client.runs.stream(None, assistant_id, input=DEMO_INPUT, stream_mode="updates"):
        if chunk.data and "run_id" not in chunk.data:
            print(chunk.data)

    print("\nWaiting for stateless results:")
    stateless_run_result = client.runs.wait(None, assistant_id, input=DEMO_INPUT)
    print(stateless_run_result)
    client.close()


@contextlib.contextmanager
def _server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from ._dev.local_server import LocalServer

    print("Starting a local langgraph dev server ...", file=sys.stderr)
    with LocalServer(Path(__file__).parent / "_dev" / "demo") as server:
        print(f"Server ready at {server.url}\n", file=sys.stderr)
        yield server.url


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m stateless_client")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the stateless-runs example against a local server")
    demo.add_argument("--url", help="use this server instead of starting one (it must serve 'agent')")
    args = parser.parse_args(argv)
    try:
        with _server(args.url) as url:
            run_demo(url)
    except (StatelessClientError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
