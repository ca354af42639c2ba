"""``examples/quickstart.ipynb`` runs in a real Jupyter kernel against the real server and shows
what its text says: the streamed answer, the final state, the progress bar and results of
``wait_many``, a thread and its state.

The notebook is executed in memory (``nbclient``); the committed file is read, never written,
and must stay without outputs. The kernel finds the server through ``LANGGRAPH_URL``, as a
user's notebook would.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.lib.pretty import pretty
from nbclient import NotebookClient

from stateless_client._dev.local_server import LocalServer

NOTEBOOK = Path(__file__).parent.parent / "examples" / "quickstart.ipynb"
QUESTION = "Hello! My name is Bagatur and I am 26 years old."


@pytest.fixture(scope="module")
def executed(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notebook after running every cell, as ``{cell id: cell}``, plus its metadata under ``""``."""
    committed = NOTEBOOK.read_bytes()
    notebook = nbformat.reads(committed.decode(), as_version=4)
    # Generous limits so that a slow machine is not a failure; a cell that raises fails here.
    NotebookClient(
        notebook, kernel_name="python3", timeout=300, startup_timeout=120,
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}},
    ).execute(env={**os.environ, "LANGGRAPH_URL": server.url})
    assert NOTEBOOK.read_bytes() == committed, "running the notebook changed the committed file"
    return {"": notebook.metadata, **{cell.id: cell for cell in notebook.cells}}


def _stdout(cell: Any) -> str:
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def _result(cell: Any) -> str:
    """The text of the cell's value (its last expression), as the notebook shows it."""
    [result] = [out for out in cell.outputs if out.output_type == "execute_result"]
    return str(result.data["text/plain"])


def _no_stderr(cell: Any) -> None:
    errors = [out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stderr"]
    assert not errors, f"cell {cell.id} wrote to stderr: {errors}"


def test_the_committed_notebook_has_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id} has outputs"
    assert "widgets" not in notebook.metadata


def test_the_client_uses_the_url_from_the_environment(executed: dict[str, Any], server: LocalServer) -> None:
    assert _result(executed["connect"]) == f"Client(url={server.url!r}, api_key=None)"


def test_the_tokens_are_printed_as_they_stream_and_the_stream_ends_closed(executed: dict[str, Any]) -> None:
    cell = executed["stream-tokens"]
    _no_stderr(cell)
    assert _stdout(cell) == "Hello Bagatur! Nice to meet you."
    shown = _result(cell)
    assert shown.startswith("<RunStream POST ") and "/runs/stream run_id='" in shown, shown
    assert shown.endswith(" closed>"), shown


def test_wait_shows_the_final_state(executed: dict[str, Any]) -> None:
    assert ast.literal_eval(_result(executed["wait"])) == f"echo: {QUESTION}"


def test_wait_many_returns_the_states_in_order_under_a_notebook_progress_bar(executed: dict[str, Any]) -> None:
    cell = executed["wait-many"]
    _no_stderr(cell)  # e.g. tqdm's "IProgress not found" warning, when it falls back to text
    assert ast.literal_eval(_result(cell)) == [f"echo: question {n}" for n in range(5)]
    # tqdm's notebook bar is an ipywidgets progress widget; nbclient keeps the widgets' last state.
    [bar] = [out for out in cell.outputs if out.output_type == "display_data"]
    assert "application/vnd.jupyter.widget-view+json" in bar.data
    widgets = executed[""]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    bar_state = widgets[bar.data["application/vnd.jupyter.widget-view+json"]["model_id"]]["state"]
    [progress] = [widgets[child[len("IPY_MODEL_"):]]["state"] for child in bar_state["children"]
                  if widgets[child[len("IPY_MODEL_"):]]["model_name"] == "FloatProgressModel"]
    assert (progress["value"], progress["max"], progress["bar_style"]) == (5, 5, "success")


def test_a_thread_shows_as_its_json_one_key_per_line(executed: dict[str, Any]) -> None:
    shown = _result(executed["thread-create"])
    thread = ast.literal_eval(shown)
    assert thread["status"] == "idle" and thread["values"] is None
    assert shown == pretty(thread) and shown.count("\n") >= len(thread) - 1, shown


def test_the_thread_state_holds_both_runs(executed: dict[str, Any]) -> None:
    cell = executed["thread-state"]
    _no_stderr(cell)
    assert _stdout(cell) == "next: []\n"
    assert ast.literal_eval(_result(cell)) == [
        QUESTION, f"echo: {QUESTION}", "What is my name?", "echo: What is my name?",
    ]
    assert executed["cleanup"].outputs == []

