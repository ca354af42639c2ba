"""The documentation's examples run against the real server and print what the docs show."""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from stateless_client._dev.local_server import LocalServer

ROOT = Path(__file__).parent.parent
BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)
CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _examples(markdown: str) -> list[tuple[str, str | None]]:
    """Each python block with the text block right after it (its expected output), if any."""
    blocks = BLOCK.findall(markdown)
    pairs = []
    for index, (kind, body) in enumerate(blocks):
        if kind == "python":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            pairs.append((body, following[1] if following and following[0] == "text" else None))
    return pairs


def _run(markdown: str, namespace: dict[str, object]) -> str:
    """Run the examples in order, in one namespace; return everything they printed."""
    examples = _examples(markdown)
    assert examples, "no python examples found"
    printed = []
    for code, expected in examples:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, "<docs>", "exec"), namespace)
        if expected is not None:
            assert CHECKER.check_output(expected, output.getvalue(), FLAGS), (
                f"example printed:\n{output.getvalue()}\nthe docs say:\n{expected}"
            )
        printed.append(output.getvalue())
    return "".join(printed)


def test_quickstart_examples(server: LocalServer) -> None:
    _run((ROOT / "docs" / "quickstart.md").read_text(), {"SERVER_URL": server.url})


def test_readme_example(server: LocalServer) -> None:
    readme = (ROOT / "README.md").read_text().replace("http://127.0.0.1:2024", server.url)
    printed = _run(readme, {})
    assert "'content': 'echo: Hello! My name is Bagatur and I am 26 years old.'" in printed


def test_the_readme_main_command_runs_the_demo_on_its_own_server() -> None:
    """``python -m stateless_client demo``: starts langgraph dev, runs the docs example, stops."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "stateless_client", "demo"], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "{'agent': {'messages': [{'content': 'echo: Hello! My name is Bagatur and I am 26 years old.'" in out
    assert "'type': 'human'" in out.split("Waiting for stateless results:")[1]
    assert "Server ready at http://127.0.0.1:" in done.stderr
