"""``client.store``: the SDK's signatures, the wire shape of every call (``responses``), and
every method against the real ``langgraph dev`` server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from responses import matchers

from stateless_client import Client, InvalidResponseError, Item, SearchItem

from .helpers import BASE, strict_json

ITEM = {"namespace": ["a", "b"], "key": "k", "value": {"x": 1}, "created_at": "2026-11-25T10:48:42.470717+00:00",
        "updated_at": "2026-11-25T10:48:42.470720+00:00"}


# -- wire shape ----------------------------------------------------------------------------------


def test_put_item_sends_every_parameter(api: Any, mock_client: Client) -> None:
    api.put(f"{BASE}/store/items", status=204,
            match=[strict_json({"namespace": ["a", "b"], "key": "k", "value": {"x": 1}, "index": ["x"], "ttl": 5}),
                   matchers.query_param_matcher({"p": "1"}), matchers.header_matcher({"x-h": "v"})])
    api.put(f"{BASE}/store/items", status=204,
            match=[strict_json({"namespace": ["a"], "key": "k", "value": {}, "index": False})])
    api.put(f"{BASE}/store/items", status=204, match=[strict_json({"namespace": ["a"], "key": "k", "value": {}})])
    assert mock_client.store.put_item(("a", "b"), "k", {"x": 1}, ["x"], 5, {"x-h": "v"}, {"p": "1"}) is None
    mock_client.store.put_item(["a"], key="k", value={}, index=False)
    mock_client.store.put_item(["a"], "k", {})


@pytest.mark.parametrize("call", ["put_item", "get_item"])
def test_a_label_with_a_period_is_refused_before_any_request(api: Any, mock_client: Client, call: str) -> None:
    with pytest.raises(ValueError, match=r"'a\.b'"):
        if call == "put_item":
            mock_client.store.put_item(["ok", "a.b"], "k", {})
        else:
            mock_client.store.get_item(["ok", "a.b"], "k")
    assert len(api.calls) == 0


def test_get_item_joins_the_namespace_and_sends_refresh_ttl_as_the_sdk(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/store/items", json=ITEM, match=[matchers.query_param_matcher({"key": "k", "namespace": "a.b"})])
    api.get(f"{BASE}/store/items", json=ITEM,
            match=[matchers.query_param_matcher({"key": "k", "namespace": "a.b", "refresh_ttl": "false"})])
    api.get(f"{BASE}/store/items", json=ITEM,
            match=[matchers.query_param_matcher({"key": "k/?&", "namespace": "a.b", "refresh_ttl": "true"})])
    got = mock_client.store.get_item(["a", "b"], "k")
    assert isinstance(got, Item) and got == ITEM and got.value == {"x": 1} and got.created_at is not None
    mock_client.store.get_item(["a", "b"], "k", refresh_ttl=False)
    mock_client.store.get_item(["a", "b"], key="k/?&", refresh_ttl=True)


def test_get_item_returns_none_for_the_servers_null(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/store/items", body=b"null", content_type="application/json")
    assert mock_client.store.get_item(["a"], "missing") is None


def test_a_partial_item_is_what_the_server_sent(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/store/items", json={"key": "k"})
    item = mock_client.store.get_item(["a"], "k")
    assert item == {"key": "k"} and item is not None and item.value is None and "value" not in item


def test_an_item_that_is_not_a_json_object_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/store/items", json=["k"])
    with pytest.raises(InvalidResponseError, match="not a valid Item"):
        mock_client.store.get_item(["a"], "k")


def test_delete_item_sends_a_json_body(api: Any, mock_client: Client) -> None:
    api.delete(f"{BASE}/store/items", status=204, match=[strict_json({"key": "k", "namespace": ["a", "b"]})])
    assert mock_client.store.delete_item(("a", "b"), "k") is None


def test_search_items_sends_the_sdks_defaults_and_every_parameter(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/store/items/search", json={"items": [{**ITEM, "score": 0.5}]},
             match=[strict_json({"namespace_prefix": ["a"], "limit": 10, "offset": 0})])
    api.post(f"{BASE}/store/items/search", json={"items": []},
             match=[strict_json({"namespace_prefix": ["a"], "filter": {"x": 1}, "limit": 3, "offset": 2, "query": "q",
                                 "refresh_ttl": False})])
    found = mock_client.store.search_items(["a"])
    assert list(found) == ["items"] and isinstance(found["items"][0], SearchItem)
    assert found["items"][0].score == 0.5 and found["items"][0] == {**ITEM, "score": 0.5}
    assert mock_client.store.search_items(("a",), {"x": 1}, 3, 2, "q", False) == {"items": []}


@pytest.mark.parametrize("body", [[ITEM], {"things": []}, {"items": {"a": 1}}])
def test_search_items_of_another_shape_is_a_typed_error(api: Any, mock_client: Client, body: Any) -> None:
    api.post(f"{BASE}/store/items/search", json=body)
    with pytest.raises(InvalidResponseError, match="items"):
        mock_client.store.search_items(["a"])


def test_searches_are_retried_like_gets(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/store/items/search", status=502)
    api.post(f"{BASE}/store/items/search", json={"items": []})
    api.post(f"{BASE}/store/namespaces", status=504)
    api.post(f"{BASE}/store/namespaces", json={"namespaces": []})
    mock_client.store.search_items(["a"])
    mock_client.store.list_namespaces()
    assert len(api.calls) == 4


def test_iter_search_items_walks_the_pages(api: Any, mock_client: Client) -> None:
    for offset, count in ((0, 2), (2, 2), (4, 0)):
        api.post(f"{BASE}/store/items/search", json={"items": [ITEM] * count},
                 match=[strict_json({"namespace_prefix": ["a"], "filter": {"x": 1}, "limit": 2, "offset": offset})])
    found = mock_client.store.iter_search_items(["a"], filter={"x": 1}, page_size=2)
    assert len(api.calls) == 0
    assert len(list(found)) == 4 and len(api.calls) == 3


def test_list_namespaces_sends_the_sdks_defaults_and_every_parameter(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/store/namespaces", json={"namespaces": [["a", "b"]]},
             match=[strict_json({"limit": 100, "offset": 0})])
    api.post(f"{BASE}/store/namespaces", json={"namespaces": []},
             match=[strict_json({"prefix": ["a"], "suffix": ["z"], "max_depth": 2, "limit": 5, "offset": 1})])
    assert mock_client.store.list_namespaces() == {"namespaces": [["a", "b"]]}
    assert mock_client.store.list_namespaces(["a"], ["z"], 2, 5, 1) == {"namespaces": []}


# -- the real server -----------------------------------------------------------------------------


@pytest.fixture
def root() -> str:
    """A namespace label no other test uses."""
    return "t" + uuid.uuid4().hex


def test_put_get_replace_delete(client: Client, root: str) -> None:
    client.store.put_item([root, "notes"], "k1", {"text": "one", "n": 1})
    item = client.store.get_item([root, "notes"], "k1")
    assert isinstance(item, Item) and (item.namespace, item.key, item.value) == ([root, "notes"], "k1",
                                                                                 {"text": "one", "n": 1})
    assert item.created_at is not None and item.updated_at is not None and item["key"] == "k1"

    client.store.put_item([root, "notes"], "k1", {"text": "two"}, index=False, ttl=60)
    replaced = client.store.get_item([root, "notes"], "k1", refresh_ttl=True)
    assert replaced is not None and replaced.value == {"text": "two"}
    # langgraph dev's in-memory store makes a new item: created_at moves too.
    assert replaced.updated_at is not None and item.updated_at is not None and replaced.updated_at > item.updated_at

    client.store.delete_item([root, "notes"], "k1")
    assert client.store.get_item([root, "notes"], "k1") is None
    client.store.delete_item([root, "notes"], "k1")  # again: no error


def test_search_items_and_iter_search_items(client: Client, root: str) -> None:
    for i in range(5):
        client.store.put_item([root, "docs", f"d{i % 2}"], f"k{i}", {"even": i % 2 == 0, "i": i})
    client.store.put_item([root + "x"], "elsewhere", {"even": True})

    found = client.store.search_items([root])
    assert set(found) == {"items"} and len(found["items"]) == 5
    assert all(isinstance(item, SearchItem) and item.score is None for item in found["items"])
    assert {item.key for item in client.store.search_items([root], filter={"even": True})["items"]} == {
        "k0", "k2", "k4"}
    assert {item.key for item in client.store.search_items([root, "docs", "d1"])["items"]} == {"k1", "k3"}
    first, rest = client.store.search_items([root], limit=2), client.store.search_items([root], limit=10, offset=2)
    assert len(first["items"]) == 2 and len(rest["items"]) == 3
    assert {i.key for i in first["items"]} | {i.key for i in rest["items"]} == {f"k{i}" for i in range(5)}

    walked = list(client.store.iter_search_items([root], page_size=2))
    assert sorted(item.key for item in walked) == [f"k{i}" for i in range(5)]
    assert len(list(client.store.iter_search_items([root], filter={"even": False}, page_size=1))) == 2


def test_list_namespaces(client: Client, root: str) -> None:
    client.store.put_item([root, "a", "deep"], "k", {})
    client.store.put_item([root, "b"], "k", {})
    listed = client.store.list_namespaces(prefix=[root])
    assert set(listed) == {"namespaces"}
    assert sorted(listed["namespaces"]) == [[root, "a", "deep"], [root, "b"]]
    assert sorted(client.store.list_namespaces(prefix=[root], max_depth=2)["namespaces"]) == [[root, "a"], [root, "b"]]
    assert client.store.list_namespaces(prefix=[root], suffix=["deep"])["namespaces"] == [[root, "a", "deep"]]
    assert len(client.store.list_namespaces(prefix=[root], limit=1)["namespaces"]) == 1
    assert len(client.store.list_namespaces(prefix=[root], limit=10, offset=1)["namespaces"]) == 1


def test_the_sdk_and_this_client_agree_on_the_real_server(client: Client, root: str) -> None:
    from langgraph_sdk import get_sync_client

    client.store.put_item([root, "same"], "k", {"v": [1, "two"]})
    with get_sync_client(url=client.url, api_key=None) as sdk:
        assert sdk.store.get_item([root, "same"], "k") == client.store.get_item([root, "same"], "k")
        assert sdk.store.get_item([root, "same"], "nope") is client.store.get_item([root, "same"], "nope") is None
        assert sdk.store.search_items([root]) == client.store.search_items([root])
        assert sdk.store.list_namespaces(prefix=[root]) == client.store.list_namespaces(prefix=[root])
