"""``client.assistants``: the SDK's signatures, the wire shape of every call (``responses``), and
every method against the real ``langgraph dev`` server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from responses import matchers

from stateless_client import (
    Assistant,
    AssistantVersion,
    Client,
    ConflictError,
    GraphSchema,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
)

from .helpers import BASE, strict_json, unique_tag

ASSISTANT = {"assistant_id": "a/1", "graph_id": "agent", "config": {}, "context": {}, "metadata": {},
             "name": "n", "created_at": "2026-11-25T10:48:42.127499+00:00",
             "updated_at": "2026-11-25T10:48:42.127499+00:00", "version": 1, "description": None}
VERSION = {k: v for k, v in ASSISTANT.items() if k != "updated_at"}
SCHEMAS = {"graph_id": "agent", "input_schema": {}, "output_schema": {}, "state_schema": {"type": "object"},
           "config_schema": {}, "context_schema": None}


# -- wire shape ----------------------------------------------------------------------------------


def _query(query: dict[str, str]) -> Any:
    return matchers.query_param_matcher(query)


def test_get_quotes_the_id_and_passes_params_and_headers(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a%2F1", json=ASSISTANT,
            match=[_query({"tenant": "t"}), matchers.header_matcher({"x-extra": "1"})])
    got = mock_client.assistants.get("a/1", params={"tenant": "t"}, headers={"x-extra": "1"})
    assert isinstance(got, Assistant) and got == ASSISTANT and got.assistant_id == "a/1"


@pytest.mark.parametrize(("xray", "sent"), [(False, "false"), (True, "true"), (2, "2")])
def test_get_graph_always_sends_xray_as_the_sdk_does(api: Any, mock_client: Client, xray: Any, sent: str) -> None:
    graph = {"nodes": [{"id": "__start__"}], "edges": []}
    api.get(f"{BASE}/assistants/a%2F1/graph", json=graph, match=[_query({"xray": sent})])
    got = mock_client.assistants.get_graph("a/1", xray=xray)
    assert got == graph and type(got) is dict


def test_get_graph_callers_params_win(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a/graph", json={}, match=[_query({"xray": "1", "extra": "e"})])
    mock_client.assistants.get_graph("a", params={"xray": "1", "extra": "e"})


def test_get_schemas(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a%2F1/schemas", json=SCHEMAS, match=[_query({})])
    got = mock_client.assistants.get_schemas("a/1")
    assert isinstance(got, GraphSchema) and got.state_schema == {"type": "object"} and got == SCHEMAS


def test_get_subgraphs_all_and_one_namespace(api: Any, mock_client: Client) -> None:
    child = {k: v for k, v in SCHEMAS.items() if k != "graph_id"}
    api.get(f"{BASE}/assistants/a%2F1/subgraphs", json={"child": child}, match=[_query({"recurse": "false"})])
    api.get(f"{BASE}/assistants/a%2F1/subgraphs/ns%2F1", json={}, match=[_query({"recurse": "true"})])
    found = mock_client.assistants.get_subgraphs("a/1")
    assert list(found) == ["child"] and isinstance(found["child"], GraphSchema) and found["child"].graph_id is None
    assert mock_client.assistants.get_subgraphs("a/1", "ns/1", True) == {}


def test_get_subgraphs_that_are_not_an_object_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a/subgraphs", json=["child"])
    with pytest.raises(InvalidResponseError, match="subgraph schemas"):
        mock_client.assistants.get_subgraphs("a")


def test_create_sends_every_parameter(api: Any, mock_client: Client) -> None:
    sent = {"graph_id": "agent", "config": {"tags": ["t"]}, "context": {"c": 1}, "metadata": {"m": 1},
            "assistant_id": "a1", "if_exists": "do_nothing", "name": "n", "description": "d"}
    api.post(f"{BASE}/assistants", json=ASSISTANT, match=[strict_json(sent)])
    got = mock_client.assistants.create("agent", {"tags": ["t"]}, context={"c": 1}, metadata={"m": 1},
                                        assistant_id="a1", if_exists="do_nothing", name="n", description="d")
    assert isinstance(got, Assistant)


def test_create_sends_graph_id_always_and_empty_values_never(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants", json=ASSISTANT, match=[strict_json({"graph_id": "agent"})])
    api.post(f"{BASE}/assistants", json=ASSISTANT, match=[strict_json({"graph_id": None})])
    mock_client.assistants.create("agent", {}, context={}, metadata={}, name="", description="")
    mock_client.assistants.create(None)


def test_update_sends_every_parameter(api: Any, mock_client: Client) -> None:
    sent = {"graph_id": "other", "config": {"tags": ["t"]}, "context": {"c": 1}, "metadata": {"m": 1},
            "name": "n", "description": "d"}
    api.patch(f"{BASE}/assistants/a%2F1", json=ASSISTANT, match=[strict_json(sent)])
    mock_client.assistants.update("a/1", graph_id="other", config={"tags": ["t"]}, context={"c": 1}, metadata={"m": 1},
                                  name="n", description="d")


def test_update_sends_empty_config_and_context_to_clear_them(api: Any, mock_client: Client) -> None:
    api.patch(f"{BASE}/assistants/a", json=ASSISTANT, match=[strict_json({"config": {}, "context": {}})])
    api.patch(f"{BASE}/assistants/a", json=ASSISTANT, match=[strict_json({})])
    mock_client.assistants.update("a", config={}, context={}, metadata={}, name="")
    mock_client.assistants.update("a")


def test_delete_with_and_without_threads(api: Any, mock_client: Client) -> None:
    api.delete(f"{BASE}/assistants/a%2F1", status=204, match=[_query({})])
    api.delete(f"{BASE}/assistants/a%2F1", status=204, match=[_query({"delete_threads": "true"})])
    assert mock_client.assistants.delete("a/1") is None
    assert mock_client.assistants.delete("a/1", delete_threads=True) is None


def test_search_sends_the_sdks_defaults_and_every_filter(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants/search", json=[ASSISTANT], match=[strict_json({"limit": 10, "offset": 0})])
    sent = {"limit": 5, "offset": 3, "metadata": {"m": 1}, "graph_id": "agent", "name": "n", "sort_by": "name",
            "sort_order": "asc"}
    api.post(f"{BASE}/assistants/search", json=[], match=[strict_json(sent)])
    (found,) = mock_client.assistants.search()
    assert isinstance(found, Assistant)
    assert mock_client.assistants.search(metadata={"m": 1}, graph_id="agent", name="n", limit=5, offset=3,
                                         sort_by="name", sort_order="asc") == []


def test_search_with_select_returns_partial_models_that_read_as_the_partial_dicts(
    api: Any, mock_client: Client
) -> None:
    api.post(f"{BASE}/assistants/search", json=[{"name": "n"}],
             match=[strict_json({"limit": 10, "offset": 0, "select": ["name"]})])
    (found,) = mock_client.assistants.search(select=["name"])
    assert found == {"name": "n"} and dict(found) == {"name": "n"} and found.name == "n" and found.graph_id is None


def test_search_object_format_reports_the_next_page(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants/search", json=[ASSISTANT], headers={"X-Pagination-Next": "1"})
    api.post(f"{BASE}/assistants/search", json=[ASSISTANT])
    page = mock_client.assistants.search(limit=1, response_format="object")
    assert page == {"assistants": [ASSISTANT], "next": "1"} and isinstance(page["assistants"][0], Assistant)
    assert mock_client.assistants.search(limit=1, response_format="object")["next"] is None


def test_search_refuses_an_unknown_response_format_without_a_request(api: Any, mock_client: Client) -> None:
    with pytest.raises(ValueError, match="response_format"):
        mock_client.assistants.search(response_format="table")  # type: ignore[call-overload]


@pytest.mark.parametrize("call", ["search", "count", "get_versions"])
def test_read_only_posts_are_retried_like_gets(api: Any, mock_client: Client, call: str) -> None:
    url = {"search": "/assistants/search", "count": "/assistants/count", "get_versions": "/assistants/a/versions"}
    api.post(f"{BASE}{url[call]}", status=503)
    api.post(f"{BASE}{url[call]}", json=0 if call == "count" else [])
    args = ("a",) if call == "get_versions" else ()
    getattr(mock_client.assistants, call)(*args)
    assert len(api.calls) == 2


@pytest.mark.parametrize("call", ["create", "set_latest"])
def test_changing_posts_are_not_retried_on_503(api: Any, mock_client: Client, call: str) -> None:
    api.post(f"{BASE}/assistants" if call == "create" else f"{BASE}/assistants/a/latest", status=503)
    with pytest.raises(InternalServerError):
        mock_client.assistants.create("agent") if call == "create" else mock_client.assistants.set_latest("a", 1)
    assert len(api.calls) == 1


def test_count_sends_only_the_filters_set(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants/count", json=3, match=[strict_json({})])
    api.post(f"{BASE}/assistants/count", json=1,
             match=[strict_json({"metadata": {"m": 1}, "graph_id": "agent", "name": "n"})])
    assert mock_client.assistants.count() == 3
    assert mock_client.assistants.count(metadata={"m": 1}, graph_id="agent", name="n") == 1


def test_get_versions_and_set_latest(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants/a%2F1/versions", json=[VERSION], match=[strict_json({"limit": 10, "offset": 0})])
    api.post(f"{BASE}/assistants/a%2F1/versions", json=[],
             match=[strict_json({"limit": 2, "offset": 1, "metadata": {"m": 1}})])
    api.post(f"{BASE}/assistants/a%2F1/latest", json=ASSISTANT, match=[strict_json({"version": 3})])
    (version,) = mock_client.assistants.get_versions("a/1")
    assert isinstance(version, AssistantVersion) and version.version == 1
    assert mock_client.assistants.get_versions("a/1", {"m": 1}, 2, 1) == []
    assert isinstance(mock_client.assistants.set_latest("a/1", 3), Assistant)


def test_iter_search_fetches_page_after_page_lazily(api: Any, mock_client: Client) -> None:
    pages = {0: [ASSISTANT] * 2, 2: [ASSISTANT] * 2, 4: [ASSISTANT]}
    for offset, page in pages.items():
        api.post(f"{BASE}/assistants/search", json=page,
                 match=[strict_json({"limit": 2, "offset": offset, "graph_id": "agent", "sort_by": "created_at"})])
    found = mock_client.assistants.iter_search(graph_id="agent", sort_by="created_at", page_size=2)
    assert len(api.calls) == 0
    next(found)
    assert len(api.calls) == 1
    assert len(list(found)) == 4 and len(api.calls) == 3


def test_iter_search_stops_at_an_empty_page(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/assistants/search", json=[ASSISTANT], match=[strict_json({"limit": 1, "offset": 0})])
    api.post(f"{BASE}/assistants/search", json=[], match=[strict_json({"limit": 1, "offset": 1})])
    assert len(list(mock_client.assistants.iter_search(page_size=1))) == 1
    with pytest.raises(ValueError, match="page_size"):
        next(mock_client.assistants.iter_search(page_size=0))


def test_a_partial_assistant_is_what_the_server_sent(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a", json={"graph_id": "agent"})
    assistant = mock_client.assistants.get("a")
    assert assistant == {"graph_id": "agent"} and assistant.graph_id == "agent"
    assert assistant.assistant_id is None and "assistant_id" not in assistant


def test_an_assistant_that_is_not_a_json_object_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/a", json=["agent"])
    with pytest.raises(InvalidResponseError, match="not a valid Assistant"):
        mock_client.assistants.get("a")


# -- the real server -----------------------------------------------------------------------------


def test_create_get_update_versions_set_latest_delete(client: Client) -> None:
    tag = unique_tag()
    made = client.assistants.create("agent", {"tags": ["one"]}, context={"c": 1}, metadata=tag, name="first",
                                    description="d1")
    assert (made.graph_id, made.name, made.description, made.version) == ("agent", "first", "d1", 1)
    assert made.config["tags"] == ["one"] and made.context == {"c": 1} and made.metadata == tag
    assert made.created_at is not None and made.created_at.utcoffset() is not None
    assert client.assistants.get(made.assistant_id) == made

    changed = client.assistants.update(made.assistant_id, metadata={"more": "x"}, name="second",
                                       config={"tags": ["two"]})
    assert (changed.version, changed.name, changed.config) == (2, "second", {"tags": ["two"]})
    assert changed.metadata == {**tag, "more": "x"} and changed.description == "d1"

    versions = client.assistants.get_versions(made.assistant_id)
    assert [(v.version, v.name) for v in versions] == [(2, "second"), (1, "first")]
    assert all(isinstance(v, AssistantVersion) for v in versions)
    assert [v.version for v in client.assistants.get_versions(made.assistant_id, limit=1, offset=1)] == [1]
    assert [v.version for v in client.assistants.get_versions(made.assistant_id, metadata={"more": "x"})] == [2]

    back = client.assistants.set_latest(made.assistant_id, 1)
    assert (back.version, back.name, back.config["tags"], back.context) == (1, "first", ["one"], {"c": 1})
    assert client.assistants.get(made.assistant_id).version == 1

    client.assistants.delete(made.assistant_id)
    with pytest.raises(NotFoundError):
        client.assistants.get(made.assistant_id)
    with pytest.raises(NotFoundError):
        client.assistants.delete(made.assistant_id)


def test_create_with_an_existing_id(client: Client) -> None:
    assistant_id = str(uuid.uuid4())
    made = client.assistants.create("agent", assistant_id=assistant_id, name="kept")
    assert made.assistant_id == assistant_id
    again = client.assistants.create("agent", assistant_id=assistant_id, if_exists="do_nothing", name="ignored")
    assert again.name == "kept"
    with pytest.raises(ConflictError):
        client.assistants.create("agent", assistant_id=assistant_id)
    with pytest.raises(ConflictError):
        client.assistants.create("agent", assistant_id=assistant_id, if_exists="raise")


def test_create_for_an_unknown_graph(client: Client) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        client.assistants.create("nope")


def test_search_count_and_iter_search(client: Client) -> None:
    tag = unique_tag()
    made = [client.assistants.create("agent", metadata=tag, name=f"searched-{i}") for i in range(5)]
    made.append(client.assistants.create("subgraph", metadata=tag, name="other-graph"))
    ids = {assistant.assistant_id for assistant in made}

    assert client.assistants.count(metadata=tag) == 6
    assert client.assistants.count(metadata=tag, graph_id="subgraph") == 1
    assert client.assistants.count(metadata=tag, name="SEARCHED") == 5  # a case-insensitive substring

    everything = client.assistants.search(metadata=tag, limit=100)
    assert {a.assistant_id for a in everything} == ids and all(isinstance(a, Assistant) for a in everything)
    by_name = client.assistants.search(metadata=tag, sort_by="name", sort_order="desc", limit=100)
    assert [a.name for a in by_name] == sorted((a.name for a in made), reverse=True)
    assert [a.name for a in client.assistants.search(metadata=tag, sort_by="name", sort_order="asc", limit=2,
                                                     offset=1)] == ["searched-0", "searched-1"]
    assert len(client.assistants.search(metadata=tag)) == 6  # the SDK's default limit is 10

    page = client.assistants.search(metadata=tag, limit=4, response_format="object")
    assert len(page["assistants"]) == 4 and page["next"] == "4"
    last = client.assistants.search(metadata=tag, limit=4, offset=4, response_format="object")
    assert len(last["assistants"]) == 2 and last["next"] is None

    partial = client.assistants.search(metadata=tag, select=["assistant_id", "name"], limit=100)
    assert all(set(found) == {"assistant_id", "name"} and isinstance(found, Assistant) for found in partial)

    walked = list(client.assistants.iter_search(metadata=tag, sort_by="created_at", sort_order="asc", page_size=4))
    assert [a.assistant_id for a in walked] == [a.assistant_id for a in made]
    assert len(list(client.assistants.iter_search(metadata=tag, page_size=3))) == 6  # a full last page


def test_graph_schemas_and_subgraphs(client: Client) -> None:
    agent = client.assistants.create("agent")
    nested = client.assistants.create("subgraph")

    drawing = client.assistants.get_graph(agent.assistant_id)
    assert {node["id"] for node in drawing["nodes"]} == {"__start__", "agent", "__end__"}
    assert {"source": "__start__", "target": "agent"} in drawing["edges"]
    flat = client.assistants.get_graph(nested.assistant_id)
    xray = client.assistants.get_graph(nested.assistant_id, xray=True)
    assert "child" in {node["id"] for node in flat["nodes"]}
    assert "child:child_node" in {node["id"] for node in xray["nodes"]}
    assert client.assistants.get_graph(nested.assistant_id, xray=1) == xray

    schemas = client.assistants.get_schemas(agent.assistant_id)
    assert isinstance(schemas, GraphSchema) and schemas.graph_id == "agent"
    assert schemas.state_schema is not None and "messages" in schemas.state_schema["properties"]
    assert schemas.input_schema is not None and "config_schema" in schemas

    subgraphs = client.assistants.get_subgraphs(nested.assistant_id)
    assert list(subgraphs) == ["child"] and isinstance(subgraphs["child"], GraphSchema)
    assert subgraphs["child"].state_schema is not None and subgraphs["child"].graph_id is None
    assert list(client.assistants.get_subgraphs(nested.assistant_id, recurse=True)) == ["child"]
    assert list(client.assistants.get_subgraphs(nested.assistant_id, "child")) == ["child"]
    assert client.assistants.get_subgraphs(nested.assistant_id, namespace="nope") == {}
    assert client.assistants.get_subgraphs(agent.assistant_id) == {}


def test_delete_with_its_threads(client: Client, seed_input: dict[str, Any]) -> None:
    made = client.assistants.create("agent")
    thread, kept = client.threads.create(), client.threads.create()
    client.runs.wait(thread["thread_id"], made.assistant_id, input=seed_input)
    client.runs.wait(kept["thread_id"], "agent", input=seed_input)
    client.assistants.delete(made.assistant_id, delete_threads=True)
    with pytest.raises(NotFoundError):
        client.threads.get(thread["thread_id"])
    assert client.threads.get(kept["thread_id"])["thread_id"] == kept["thread_id"]


def test_the_sdk_and_this_client_agree_on_the_real_server(client: Client) -> None:
    from langgraph_sdk import get_sync_client

    with get_sync_client(url=client.url, api_key=None) as sdk:
        _agree(sdk, client)


def _agree(sdk: Any, client: Client) -> None:
    made = client.assistants.create("subgraph", metadata=unique_tag())
    assert sdk.assistants.get(made.assistant_id) == client.assistants.get(made.assistant_id)
    assert sdk.assistants.get_graph(made.assistant_id, xray=True) == client.assistants.get_graph(
        made.assistant_id, xray=True)
    assert sdk.assistants.get_schemas(made.assistant_id) == client.assistants.get_schemas(made.assistant_id)
    assert sdk.assistants.get_subgraphs(made.assistant_id) == client.assistants.get_subgraphs(made.assistant_id)
    assert sdk.assistants.get_versions(made.assistant_id) == client.assistants.get_versions(made.assistant_id)
    assert sdk.assistants.search(metadata=made.metadata) == client.assistants.search(metadata=made.metadata)
    assert sdk.assistants.count(metadata=made.metadata) == client.assistants.count(metadata=made.metadata) == 1
