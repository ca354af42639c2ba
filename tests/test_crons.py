"""``client.crons``: the wire shape of every method (``responses``, strict matchers) and its
behaviour on the real ``langgraph dev`` server, which stores crons (none of these fires during
a test: their schedules are yearly or they are disabled)."""

from __future__ import annotations

import inspect
import uuid
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stateless_client import Client, Cron, NotFoundError, UnprocessableEntityError

from .helpers import BASE, strict_json, unique_tag

CRON = {"cron_id": "c/1", "thread_id": None, "end_time": None, "schedule": "0 0 1 1 *",
        "created_at": "2026-11-25T10:51:32Z", "updated_at": "2026-11-25T10:51:32Z", "payload": {}, "enabled": True}
END = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
RUN_OPTIONS: dict[str, Any] = {
    "input": {"messages": []},
    "metadata": {"m": 1},
    "config": {"tags": ["t"]},
    "context": {"c": 1},
    "interrupt_before": ["a"],
    "interrupt_after": "*",
    "webhook": "https://hooks.example/cron",
    "multitask_strategy": "enqueue",
    "enabled": False,
    "stream_mode": ["updates"],
    "stream_subgraphs": True,
    "stream_resumable": True,
    "durability": "exit",
}


# -- wire shape ---------------------------------------------------------------------------------


def test_create_sends_every_parameter(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons", json=CRON, match=[strict_json({
        "assistant_id": "agent", "schedule": "0 0 1 1 *", **RUN_OPTIONS, "on_run_completed": "keep",
        "end_time": "2030-01-02T03:04:05+00:00", "timezone": "Europe/Paris",
    })])
    cron = mock_client.crons.create("agent", schedule="0 0 1 1 *", **RUN_OPTIONS, on_run_completed="keep", end_time=END,
                                    timezone=ZoneInfo("Europe/Paris"))
    assert isinstance(cron, Cron) and cron.cron_id == "c/1" and cron.thread_id is None


def test_create_sends_only_what_was_given(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons", json=CRON, match=[strict_json({"assistant_id": "a", "schedule": "* * * * *",
                                                                   "timezone": "UTC"})])
    mock_client.crons.create("a", schedule="* * * * *", timezone=timezone.utc)


def test_create_answered_with_a_run_returns_what_the_server_sent(api: Any, mock_client: Client) -> None:
    run = {"run_id": "r1", "thread_id": "t1", "assistant_id": "agent", "status": "pending"}
    api.post(f"{BASE}/runs/crons", json=run)
    cron = mock_client.crons.create("agent", schedule="* * * * *")
    assert cron == run and cron["run_id"] == "r1" and cron.thread_id == "t1"
    assert cron.cron_id is None and "cron_id" not in cron


def test_create_for_thread_quotes_the_thread_and_warns_on_checkpoint_during(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/runs/crons", json={**CRON, "thread_id": "t/1"}, match=[strict_json({
        "assistant_id": "agent", "schedule": "5 4 * * *", **RUN_OPTIONS, "checkpoint_during": True,
        "timezone": "America/New_York",
    })])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cron = mock_client.crons.create_for_thread("t/1", "agent", schedule="5 4 * * *", checkpoint_during=True,
                                                   timezone="America/New_York", **RUN_OPTIONS)
    assert cron.thread_id == "t/1"
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert "durability" in str(warning.message) and warning.filename == __file__


def test_create_is_not_retried_on_a_gateway_error(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons", status=502)
    with pytest.raises(Exception, match="502"):
        mock_client.crons.create("a", schedule="* * * * *")
    assert len(api.calls) == 1  # a retry could schedule the runs twice


@pytest.mark.parametrize(("end_time", "sent"), [
    ("not given", {}),
    (None, {"end_time": None}),
    (END, {"end_time": "2030-01-02T03:04:05+00:00"}),
])
def test_update_sends_end_time_only_when_given(api: Any, mock_client: Client, end_time: Any, sent: Any) -> None:
    api.patch(f"{BASE}/runs/crons/c%2F1", json=CRON, match=[strict_json({"schedule": "1 1 1 1 *", **sent})])
    extra = {} if end_time == "not given" else {"end_time": end_time}
    assert mock_client.crons.update("c/1", schedule="1 1 1 1 *", **extra).schedule == "0 0 1 1 *"


def test_update_sends_every_parameter(api: Any, mock_client: Client) -> None:
    options = {key: value for key, value in RUN_OPTIONS.items() if key != "multitask_strategy"}
    api.patch(f"{BASE}/runs/crons/c", json=CRON, match=[strict_json({
        **options, "on_run_completed": "delete", "timezone": "Asia/Tokyo",
    })])
    mock_client.crons.update("c", **options, on_run_completed="delete", timezone=ZoneInfo("Asia/Tokyo"))


def test_delete_quotes_the_cron_id(api: Any, mock_client: Client) -> None:
    api.delete(f"{BASE}/runs/crons/c%2F1", status=204)
    assert mock_client.crons.delete("c/1") is None


def test_search_sends_every_filter_and_is_retried_like_a_read(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons/search", status=503)
    api.post(f"{BASE}/runs/crons/search", json=[CRON], match=[strict_json({
        "assistant_id": "a", "thread_id": "t", "enabled": False, "metadata": {"m": 1}, "limit": 5, "offset": 10,
        "sort_by": "next_run_date", "sort_order": "asc",
    })])
    found = mock_client.crons.search(assistant_id="a", thread_id="t", enabled=False, metadata={"m": 1}, limit=5,
                                     offset=10, sort_by="next_run_date", sort_order="asc")
    assert found == [CRON] and isinstance(found[0], Cron)


def test_search_defaults_and_select(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons/search", json=[CRON], match=[strict_json({"limit": 10, "offset": 0})])
    api.post(f"{BASE}/runs/crons/search", json=[{"schedule": "x"}],
             match=[strict_json({"limit": 10, "offset": 0, "select": ["schedule"]})])
    mock_client.crons.search(metadata={})
    (partial,) = mock_client.crons.search(select=["schedule"])
    assert partial.schedule == "x" and partial.cron_id is None and dict(partial) == {"schedule": "x"}


def test_count_sends_its_filters(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/crons/count", json=2, match=[strict_json({"assistant_id": "a", "thread_id": "t",
                                                                      "metadata": {"m": 1}})])
    api.post(f"{BASE}/runs/crons/count", json=0, match=[strict_json({})])
    assert mock_client.crons.count(assistant_id="a", thread_id="t", metadata={"m": 1}) == 2
    assert mock_client.crons.count() == 0


def test_iter_search_walks_pages_until_a_short_one(api: Any, mock_client: Client) -> None:
    for offset, size in ((0, 2), (2, 1)):
        page = [{**CRON, "cron_id": f"c{offset + n}"} for n in range(size)]
        api.post(f"{BASE}/runs/crons/search", json=page,
                 match=[strict_json({"limit": 2, "offset": offset, "enabled": True})])
    assert [c.cron_id for c in mock_client.crons.iter_search(enabled=True, page_size=2)] == ["c0", "c1", "c2"]


def test_an_unnamed_time_zone_is_refused() -> None:
    from stateless_client._resources.crons import _timezone_name

    class Nameless(timezone.__base__):  # type: ignore[misc,name-defined]
        def tzname(self, dt: datetime | None) -> None:
            return None

        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    with pytest.raises(ValueError, match="ZoneInfo"):
        _timezone_name(Nameless())
    with pytest.raises(TypeError):
        _timezone_name(5)  # type: ignore[arg-type]


def test_signatures_match_the_official_sdk() -> None:
    sdk_module = pytest.importorskip("langgraph_sdk._sync.cron")
    from stateless_client import Crons

    sdk = sdk_module.SyncCronClient
    methods = [name for name in vars(sdk) if not name.startswith("_")]
    assert set(methods) <= set(vars(Crons)), "a method of the SDK is missing"
    for name in methods:
        theirs = inspect.signature(getattr(sdk, name)).parameters
        ours = {key: p for key, p in inspect.signature(getattr(Crons, name)).parameters.items()
                if key not in ("timeout", "max_retries")}
        assert list(ours) == list(theirs), name
        for key, parameter in theirs.items():
            if (name, key) == ("update", "end_time"):  # the SDK's private "not provided" object; ours NOT_GIVEN
                continue
            assert (ours[key].kind, ours[key].default) == (parameter.kind, parameter.default), f"{name}({key})"


# -- the real server ----------------------------------------------------------------------------

YEARLY = "0 0 1 1 *"


def test_a_stateless_cron_is_created_found_updated_and_deleted(client: Client) -> None:
    tag = unique_tag()
    cron = client.crons.create("agent", schedule=YEARLY, input={"messages": []}, metadata=tag, end_time=END,
                               timezone="Europe/Paris", on_run_completed="keep", enabled=False)
    assert cron.thread_id is None and cron.schedule == YEARLY and cron.enabled is False
    assert cron.end_time == END and cron.timezone == "Europe/Paris" and cron.on_run_completed == "keep"
    assert cron.metadata == tag and cron.payload["input"] == {"messages": []}
    assert cron.next_run_date is not None and cron.next_run_date.utcoffset() == timedelta(0)
    assert cron.assistant_id  # the graph name resolved to its assistant
    assert [found.cron_id for found in client.crons.search(metadata=tag)] == [cron.cron_id]
    assert client.crons.count(metadata=tag) == 1

    updated = client.crons.update(cron.cron_id, schedule="0 0 2 1 *", enabled=True, metadata={"v": 2},
                                  end_time=None)
    assert updated.cron_id == cron.cron_id and updated.schedule == "0 0 2 1 *" and updated.enabled
    assert updated.end_time is None and updated.metadata == {**tag, "v": 2}  # metadata merged
    assert updated.updated_at is not None and cron.updated_at is not None and updated.updated_at >= cron.updated_at
    unchanged_end = client.crons.update(cron.cron_id, end_time=END)
    assert client.crons.update(cron.cron_id, enabled=False).end_time == unchanged_end.end_time == END

    client.crons.delete(cron.cron_id)
    assert client.crons.search(metadata=tag) == [] and client.crons.count(metadata=tag) == 0
    with pytest.raises(NotFoundError):
        client.crons.delete(cron.cron_id)
    with pytest.raises(NotFoundError):
        client.crons.update(cron.cron_id, schedule=YEARLY)


def test_a_thread_cron_is_found_by_its_thread(client: Client) -> None:
    thread = client.threads.create()
    tag = unique_tag()
    cron = client.crons.create_for_thread(thread.thread_id, "agent", schedule=YEARLY, metadata=tag,
                                          multitask_strategy="enqueue", enabled=False)
    assert cron.thread_id == thread.thread_id and cron.payload["multitask_strategy"] == "enqueue"
    assert [c.cron_id for c in client.crons.search(thread_id=thread.thread_id)] == [cron.cron_id]
    assert client.crons.count(thread_id=thread.thread_id) == 1
    assert client.crons.count(assistant_id=cron.assistant_id, metadata=tag) == 1
    (partial,) = client.crons.search(thread_id=thread.thread_id, select=["cron_id", "schedule"])
    assert dict(partial) == {"cron_id": cron.cron_id, "schedule": YEARLY} and partial.payload is None
    client.crons.delete(cron.cron_id)
    assert client.crons.count(thread_id=thread.thread_id) == 0


def test_search_filters_sorts_and_pages_on_the_server(client: Client) -> None:
    tag = unique_tag()
    schedules = ["0 0 1 3 *", "0 0 1 1 *", "0 0 1 2 *"]  # next runs: March, January, February
    made = [client.crons.create("agent", schedule=s, metadata=tag, enabled=n != 1) for n, s in enumerate(schedules)]
    by_next_run = client.crons.search(metadata=tag, sort_by="next_run_date", sort_order="asc")
    assert [c.schedule for c in by_next_run] == ["0 0 1 1 *", "0 0 1 2 *", "0 0 1 3 *"]
    assert [c.cron_id for c in client.crons.search(metadata=tag, enabled=False)] == [made[1].cron_id]
    assert len(client.crons.search(metadata=tag, limit=2, offset=2)) == 1
    walked = client.crons.iter_search(metadata=tag, page_size=2, sort_by="next_run_date", sort_order="asc")
    assert [c.cron_id for c in walked] == [c.cron_id for c in by_next_run]
    for cron in made:
        client.crons.delete(cron.cron_id)


def test_the_server_refuses_a_bad_schedule_and_an_unknown_assistant(client: Client) -> None:
    with pytest.raises(UnprocessableEntityError, match="Invalid cron schedule"):
        client.crons.create("agent", schedule="every day")
    with pytest.raises(NotFoundError, match="no-such-graph"):
        client.crons.create("no-such-graph", schedule=YEARLY)
    with pytest.raises(NotFoundError):
        client.crons.create_for_thread(str(uuid.uuid4()), "agent", schedule=YEARLY)
