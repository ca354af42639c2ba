"""The ``stateless-client`` command (also ``python -m stateless_client``).

::

    stateless-client wait agent --input '{"messages": [{"role": "user", "content": "hi"}]}'
    stateless-client stream agent --input @question.json --mode updates --mode custom
    echo '{"messages": []}' | stateless-client stream agent --input - --text
    stateless-client demo

The server is ``--url``, else ``$LANGGRAPH_URL``, else ``http://127.0.0.1:2024``; the API key is
``--api-key``, else the environment variables the library reads (``LANGGRAPH_API_KEY``, ...).
Each failure prints one line on stderr and exits with its own code (``EXIT_CODES``); Ctrl-C
stops the run on the server, says what the server confirmed, and exits with 130.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import IO, Any, Iterator, Sequence

from ._client import DEFAULT_URL, Client, get_client
from ._config import NOT_GIVEN
from ._exceptions import APIConnectionError, APIStatusError, NotFoundError, RunError, StatelessClientError
from ._http.stream import RunStream
from .types import RunCreateMetadata

__all__ = ["main", "EXIT_CODES", "URL_ENV_VAR"]

#: Where the command looks for the server's URL when ``--url`` is not given.
URL_ENV_VAR = "LANGGRAPH_URL"
#: Exit status per outcome; argparse's usage errors are 2.
EXIT_CODES = {"ok": 0, "error": 1, "run_failed": 3, "http_error": 4, "connection_error": 5, "interrupted": 130}
DEMO_INPUT = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if sys.stdout is None:  # started with its standard output closed (``>&-``): nowhere to print
        return _fail("error: standard output is closed", "error")
    try:
        if args.command == "demo":
            with _demo_server(args.url) as url:
                run_demo(url)
            return EXIT_CODES["ok"]
        client = get_client(url=args.url or os.environ.get(URL_ENV_VAR) or DEFAULT_URL,
                            api_key=args.api_key or NOT_GIVEN)
        with client:
            return _run(client, args)
    except RunError as exc:
        return _fail(f"run failed: {exc}", "run_failed")
    except APIStatusError as exc:
        return _fail(f"HTTP error: {exc}", "http_error")
    except APIConnectionError as exc:
        return _fail(f"connection error: {exc}", "connection_error")
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CODES["ok"]
    except (StatelessClientError, ValueError, OSError, RuntimeError) as exc:
        return _fail(f"error: {exc}", "error")
    except KeyboardInterrupt:
        return _fail("interrupted", "interrupted")
    except _Interrupted as stopped:
        return _fail(f"interrupted: {stopped}", "interrupted")


class _Interrupted(Exception):
    """Ctrl-C during a run; the message says what became of the run, as the server confirmed."""


def _run(client: Client, args: argparse.Namespace) -> int:
    payload = _read_input(args.input)
    created: list[RunCreateMetadata] = []
    stream: RunStream[Any] | None = None
    try:
        if args.command == "wait":
            state = client.runs.wait(args.thread, args.assistant, input=payload, on_run_created=created.append)
            print(json.dumps(state, ensure_ascii=False, indent=2 if sys.stdout.isatty() else None))
        else:
            modes = args.mode or (["messages-tuple"] if args.text else ["values"])
            stream = client.runs.stream(args.thread, args.assistant, input=payload, stream_mode=modes,
                                        on_run_created=created.append)
            with stream:
                _print_stream(stream, sys.stdout, text=args.text)
    except KeyboardInterrupt:
        # The connection is closed by now; a second Ctrl-C while the run is stopped ends at once.
        raise _Interrupted(_stop(client, created[0] if created else None, stream)) from None
    return EXIT_CODES["ok"]


def _stop(client: Client, run: RunCreateMetadata | None, stream: RunStream[Any] | None) -> str:
    """Make sure the interrupted run stops, and say only what the server confirmed."""
    if run is None:
        return "no run was started (the server had not accepted one yet)"
    run_id, thread_id = run["run_id"], run["thread_id"]
    try:
        if thread_id is None and stream is not None:  # a stateless stream: its thread is looked up
            stream._source.cancel_run("interrupt")
        elif thread_id is not None:
            status = client.runs.get(thread_id, run_id, max_retries=0, timeout=5).status
            if status not in ("pending", "running"):
                return f"run {run_id} had already ended ({status})"
            client.runs.cancel(thread_id, run_id, max_retries=0, timeout=5)
        else:
            return f"run {run_id} was left as it was: the server did not name its thread"
    except NotFoundError:
        return f"run {run_id} is no longer running: the server no longer has it"
    except StatelessClientError as exc:
        return f"run {run_id} may still be running: cancelling it failed ({exc})"
    return f"run {run_id} was cancelled"


def _print_stream(stream: Any, out: IO[str], *, text: bool) -> None:
    if text:
        for piece in stream.text_stream:
            out.write(piece)
            out.flush()
        out.write("\n")
        return
    for event, data, event_id in stream:
        out.write(json.dumps({"event": event, "data": data, "id": event_id}, ensure_ascii=False) + "\n")
        out.flush()


def _read_input(spec: str | None) -> Any:
    """``--input``: JSON text, ``@file`` with JSON, or ``-`` for standard input."""
    if spec is None:
        return None
    if spec == "-":
        if sys.stdin is None:  # started with standard input closed (``<&-``)
            raise ValueError("--input -: standard input is closed")
        text = sys.stdin.read()
    elif spec.startswith("@"):
        text = Path(spec[1:]).read_text(encoding="utf-8")
    else:
        text = spec
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--input is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


def _fail(message: str, outcome: str) -> int:
    if sys.stderr is not None:  # closed (``2>&-``): the exit status still tells
        print(f"stateless-client: {' '.join(message.split())}", file=sys.stderr)  # one line
    return EXIT_CODES[outcome]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stateless-client",
        description="Run a graph on a LangGraph Platform server (LangSmith Deployment) from the shell.",
        epilog=f"The server: --url, else ${URL_ENV_VAR}, else {DEFAULT_URL}. The API key: --api-key, else "
               "LANGGRAPH_API_KEY, LANGSMITH_API_KEY or LANGCHAIN_API_KEY. Exit status: 0 ok, 1 other error, "
               "2 usage, 3 the run failed, 4 HTTP error, 5 connection error, 130 Ctrl-C (the run is stopped).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in (("wait", "start a run, wait for it, print its final state as JSON"),
                          ("stream", "start a run, print one JSON object per event as it arrives")):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("assistant", help="an assistant ID or a graph name, e.g. agent")
        command.add_argument("--input", help="the graph's input: JSON, @file with JSON, or - for stdin")
        command.add_argument("--thread", help="run on this thread instead of statelessly")
        command.add_argument("--url", help=f"the server (default: ${URL_ENV_VAR} or {DEFAULT_URL})")
        command.add_argument("--api-key", help="the API key (default: from the environment)")
        if name == "stream":
            command.add_argument("--mode", action="append", help="a stream mode; repeat for several "
                                 "(default: values, or messages-tuple with --text)")
            command.add_argument("--text", action="store_true", help="print only the generated text, as it comes")
    demo = commands.add_parser("demo", help="run the docs' stateless-runs example against a local server")
    demo.add_argument("--url", help="use this server instead of starting one (it must serve 'agent')")
    return parser


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
def _demo_server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from ._dev.local_server import LocalServer

    print("Starting a local langgraph dev server ...", file=sys.stderr)
    with LocalServer(Path(__file__).parent / "_dev" / "demo") as server:
        print(f"Server ready at {server.url}\n", file=sys.stderr)
        yield server.url
