"""Models: the fast decoder gives what dataclasses-json gives; bad payloads are typed errors."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from stateless_client import InvalidResponseError, Run, StreamPart, Thread, get_client

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


BAD_THREADS = [{"status": "idle"}, ["not", "an", "object"], {"thread_id": "t", "created_at": "yesterday"}]


@pytest.mark.parametrize("body", BAD_THREADS)
def test_a_malformed_model_payload_is_a_typed_error(body: Any) -> None:
    with responses.RequestsMock() as api:
        api.get("http://models.test/threads/t", json=body)
        with pytest.raises(InvalidResponseError, match="not a valid Thread") as caught:
            get_client(url="http://models.test", api_key=None).threads.get("t")
    assert caught.value.snippet
