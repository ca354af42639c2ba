"""Models: the fast decoder gives what dataclasses-json gives; bad payloads are typed errors."""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

import pytest

from stateless_client import Client, InvalidResponseError, Run, StreamPart, Thread

from .helpers import BASE

# As langgraph dev answered POST /runs (shared/reference/sse/create-background.txt), trimmed.
CAPTURED_RUN: dict[str, Any] = {
    "run_id": "01a1fe52-173a-74ea-90bf-29ff7040b194",
    "thread_id": "01a1fe52-173a-74ea-90bf-2a00d8c8a200",
    "assistant_id": "fe096781-5601-53d2-b2f6-0d3403f7e9ca",
    "metadata": {"created_by": "system", "assistant_id": "fe096781-5601-53d2-b2f6-0d3403f7e9ca"},
    "status": "pending",
    "kwargs": {"input": {"messages": []}, "command": None, "stream_mode": ["values"], "temporary": True},
    "multitask_strategy": "enqueue",
    "created_at": "2026-11-21T13:35:55.195870+00:00",
    "updated_at": "2026-11-21T13:35:55.195880Z",
    "langsmith_session_name": None,
}
THREAD = {"thread_id": "t", "status": "busy", "values": {"messages": []}, "created_at": "2026-11-21T13:35:55Z",
          "config": {"new": "field"}}


@pytest.mark.parametrize(("model", "payload"), [(Run, CAPTURED_RUN), (Thread, THREAD), (Thread, {"thread_id": "x"})])
def test_from_api_matches_dataclasses_json(model: Any, payload: dict[str, Any]) -> None:
    assert model.from_api(payload) == model.from_dict(dict(payload), infer_missing=True)


def test_models_are_frozen_and_keep_dataclasses_json_features() -> None:
    run = Run.from_api(CAPTURED_RUN)
    with pytest.raises(AttributeError):
        run.status = "done"  # type: ignore[misc]
    assert run.created_at is not None and run.created_at.utcoffset() is not None
    assert Run.from_dict(run.to_dict()) == run


def test_stream_part_mode_and_namespace() -> None:
    assert StreamPart("updates|child:abc|grand:def", {}).namespace == ("child:abc", "grand:def")
    assert StreamPart("updates|child:abc|grand:def", {}).mode == "updates"
    assert StreamPart("values", {}).namespace == ()


BAD_THREADS = [["not", "an", "object"], "text", 3, {"thread_id": "t", "created_at": "yesterday"}]


@pytest.mark.parametrize("body", BAD_THREADS)
def test_a_malformed_model_payload_is_a_typed_error(api: Any, mock_client: Client, body: Any) -> None:
    api.get(f"{BASE}/threads/t", json=body)
    with pytest.raises(InvalidResponseError, match="not a valid Thread") as caught:
        mock_client.threads.get("t")
    assert caught.value.snippet


def _models() -> list[type[Any]]:
    import stateless_client._thread_stream.events  # noqa: F401  (its model exists once imported)
    from stateless_client._models import _Model

    found, pending = [], list(_Model.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return sorted(found, key=lambda model: model.__name__)


SERVER_JSON: dict[str, dict[str, Any]] = {"Run": CAPTURED_RUN, "Thread": {**THREAD, "brand_new_field": [1, 2]}}
# -- assistants and store: as langgraph dev answered (POST /assistants, .../versions, GET .../schemas
# trimmed, GET /store/items, POST /store/items/search), plus a field from a newer server.
_ASSISTANT_ID = "6083600f-5074-430c-af51-f9ff006bb2f0"
_ITEM = {"namespace": ["a", "b"], "key": "k1", "value": {"x": 1}, "created_at": "2026-11-25T10:48:42.470717+00:00",
         "updated_at": "2026-11-25T10:48:42.470720+00:00"}
SERVER_JSON.update({
    "Assistant": {"assistant_id": _ASSISTANT_ID, "graph_id": "agent", "config": {"tags": ["a"]}, "context": {},
                  "metadata": {"k": "v"}, "name": "probe", "created_at": "2026-11-25T10:48:42.127499+00:00",
                  "updated_at": "2026-11-25T10:48:42.127499+00:00", "version": 1, "description": None,
                  "brand_new_field": True},
    "AssistantVersion": {"assistant_id": _ASSISTANT_ID, "version": 2, "graph_id": "agent", "config": {},
                         "context": {}, "metadata": {"k": "v"}, "created_at": "2026-11-25T10:48:42.149966+00:00",
                         "name": "probe2", "description": None},
    "GraphSchema": {"graph_id": "agent", "input_schema": {"type": "object"}, "output_schema": None,
                    "state_schema": {"properties": {"messages": {}}}, "config_schema": {}, "context_schema": None},
    "Item": _ITEM,
    "SearchItem": {**_ITEM, "score": None},
})

# -- thread state and crons: as langgraph dev 0.16.7 answered, IDs shortened ------------------
CAPTURED_STATE: dict[str, Any] = {
    "values": {"messages": [{"content": "x", "type": "human", "id": "4811"}]},
    "next": ["ask"],
    "tasks": [{"id": "063e", "name": "ask", "path": ["__pregel_pull", "ask"], "error": None,
               "interrupts": [{"id": "23dd", "value": {"question": "approve?"}}], "checkpoint": None,
               "state": None, "result": None}],
    "metadata": {"graph_id": "interrupt", "source": "loop", "step": 0, "parents": {}},
    "created_at": "2026-11-25T10:52:30.132541+00:00",
    "checkpoint": {"checkpoint_id": "1f1e-8000", "thread_id": "01a2", "checkpoint_ns": ""},
    "parent_checkpoint": {"checkpoint_id": "1f1e-bfff", "thread_id": "01a2", "checkpoint_ns": ""},
    "interrupts": [{"id": "23dd", "value": {"question": "approve?"}}],
    "checkpoint_id": "1f1e-8000",
    "parent_checkpoint_id": "1f1e-bfff",
}
CAPTURED_CRON: dict[str, Any] = {
    "cron_id": "01a2-0949", "assistant_id": "fe09", "thread_id": None, "user_id": "",
    "end_time": "2030-01-01T00:00:00+00:00", "schedule": "0 0 1 1 *", "timezone": "Europe/Paris",
    "payload": {"schedule": "0 0 1 1 *", "input": {"messages": []}, "assistant_id": "fe09"},
    "next_run_date": "2026-12-31T23:00:00+00:00", "metadata": {"owner": "h6"}, "on_run_completed": "keep",
    "enabled": False, "created_at": "2026-11-25T10:51:32.554707+00:00",
    "updated_at": "2026-11-25T10:51:32.554707+00:00",
}
CAPTURED_UPDATE = {"checkpoint": {"thread_id": "01a2", "checkpoint_ns": "", "checkpoint_id": "1f1e-8002"},
                   "configurable": {"thread_id": "01a2", "checkpoint_ns": "", "checkpoint_id": "1f1e-8002"},
                   "checkpoint_id": "1f1e-8002"}
SERVER_JSON.update({"ThreadState": CAPTURED_STATE, "ThreadTask": CAPTURED_STATE["tasks"][0], "Cron": CAPTURED_CRON,
                    "ThreadUpdateStateResponse": CAPTURED_UPDATE})
# Not a server answer but built the same way: what a thread stream's finished message holds.
SERVER_JSON["MessageOutput"] = {"id": "ai-msg-1", "role": "ai", "usage": None,
                                "content": [{"type": "text", "text": "Hello, world!"}]}


@pytest.mark.parametrize("name", ["ThreadState", "ThreadTask", "Cron", "ThreadUpdateStateResponse"])
def test_state_and_cron_models_decode_as_dataclasses_json_does(name: str) -> None:
    import stateless_client

    model, payload = getattr(stateless_client, name), SERVER_JSON[name]
    assert model.from_api(payload) == model.from_dict(dict(payload), infer_missing=True)


def test_thread_state_tasks_are_models_and_timestamps_datetimes() -> None:
    from stateless_client import Cron, ThreadState, ThreadTask

    state = ThreadState.from_api(CAPTURED_STATE)
    (task,) = state.tasks
    assert isinstance(task, ThreadTask) and task.name == "ask" and task["path"] == ["__pregel_pull", "ask"]
    assert state.values == CAPTURED_STATE["values"] and state["values"] == CAPTURED_STATE["values"]
    assert state.created_at is not None and state.created_at.utcoffset() is not None
    subgraph_task = {**CAPTURED_STATE["tasks"][0], "state": CAPTURED_STATE}
    nested = ThreadState.from_api({**CAPTURED_STATE, "tasks": [subgraph_task]})
    assert isinstance(nested.tasks[0].state, ThreadState) and nested.tasks[0].state.next == ["ask"]
    cron = Cron.from_api(CAPTURED_CRON)
    assert cron.thread_id is None and cron.end_time is not None and cron.end_time.year == 2030
    assert cron.next_run_date is not None and cron["next_run_date"] == "2026-12-31T23:00:00+00:00"


@pytest.mark.parametrize("missing", ["values", "next", "checkpoint", "created_at"])
def test_a_state_without_a_field_is_what_the_server_sent(api: Any, mock_client: Client, missing: str) -> None:
    body = {key: value for key, value in CAPTURED_STATE.items() if key != missing}
    api.get(f"{BASE}/threads/t/state", json={**body, "future": 1})
    state = mock_client.threads.get_state("t")
    assert getattr(state, missing) is None and missing not in state
    assert state == {**body, "future": 1} and state.to_dict()["future"] == 1


@pytest.mark.parametrize("model", _models(), ids=lambda model: model.__name__)
def test_every_model_takes_an_empty_object(model: Any) -> None:
    built = model.from_api({})
    required = [f.name for f in fields(model) if f.default is MISSING and f.default_factory is MISSING]
    assert dict(built) == {} and [getattr(built, name) for name in required] == [None] * len(required)


def test_every_model_has_a_captured_payload_here() -> None:
    assert {model.__name__ for model in _models()} == set(SERVER_JSON)


@pytest.mark.parametrize("model", _models(), ids=lambda model: model.__name__)
def test_every_model_reads_as_the_servers_json(model: Any) -> None:
    sent = SERVER_JSON[model.__name__]
    built = model.from_api(sent)
    first = next(iter(sent))
    assert built[first] == sent[first] and built.get(first) == sent[first]
    assert built.get("no such field") is None and built.get("no such field", 7) == 7
    assert first in built and "no such field" not in built
    assert dict(built) == sent and built == sent and sent == built
    assert list(built.keys()) == list(sent) and len(built) == len(sent)
    assert dict(built.items()) == sent
    assert built.to_dict() == sent  # nothing dropped, unknown fields included
    assert repr(built) == repr(sent)  # prints as the SDK's dict does
    assert model.from_api(sent) == built and built != {**sent, first: "other"}
    with pytest.raises(KeyError):
        built["no such field"]
    with pytest.raises(TypeError):
        hash(built)  # equal to a dict, so unhashable like one


def test_timestamps_are_datetimes_as_attributes_and_strings_as_keys() -> None:
    run = Run.from_api(CAPTURED_RUN)
    assert run["created_at"] == "2026-11-21T13:35:55.195870+00:00"
    assert run.created_at is not None and run.created_at.year == 2026


def test_fields_the_old_models_dropped_are_attributes_now() -> None:
    thread = Thread.from_api({**THREAD, "state_updated_at": "2026-11-21T13:35:55Z"})
    assert thread.config == {"new": "field"} and thread.state_updated_at is not None
    assert Run.from_api({**CAPTURED_RUN, "langsmith_session_name": "s"}).langsmith_session_name == "s"


def test_a_model_made_in_code_reads_as_its_fields() -> None:
    thread = Thread(thread_id="t", status="busy")
    assert thread["thread_id"] == "t" and thread["status"] == "busy" and thread["created_at"] is None


def test_stream_part_is_the_sdks_named_tuple() -> None:
    part = StreamPart("values", {"a": 1}, "7")
    event, data, event_id = part
    assert (event, data, event_id) == ("values", {"a": 1}, "7") == tuple(part)
    assert part[0] == "values" and part._asdict() == {"event": "values", "data": {"a": 1}, "id": "7"}
    assert StreamPart("values", None) == ("values", None, None)


def test_ipython_and_jupyter_show_a_model_as_they_show_its_json() -> None:
    """``_repr_pretty_``: a long model is shown one key per line, like the SDK's dicts, not on
    ``repr``'s single line (tests/test_notebook.py sees it in a real notebook)."""
    from IPython.lib.pretty import pretty  # IPython comes with the test extra's ipykernel

    run = Run.from_api(CAPTURED_RUN)
    assert pretty(run) == pretty(CAPTURED_RUN)
    assert "\n" in pretty(run) and "\n" not in repr(run) and repr(run) == repr(CAPTURED_RUN)
