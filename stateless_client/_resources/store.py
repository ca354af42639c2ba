"""``client.store``: the deployment's key-value store, for memories shared across threads."""

from __future__ import annotations

from typing import Any, Iterator, Literal, Mapping, Sequence

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._exceptions import InvalidResponseError
from .._http.retries import Retry
from .._models import Item, SearchItem, parse_model
from ..types import ListNamespaceResponse, QueryParamTypes, SearchItemsResponse
from .base import Resource, drop_none, flag, paginate

__all__ = ["Store"]


def _check_labels(namespace: Sequence[str]) -> None:
    """Refuse a label with a period, as the official SDK does: the API joins labels with ``.``."""
    for label in namespace:
        if "." in label:
            raise ValueError(f"Invalid namespace label {label!r}: namespace labels cannot contain periods ('.')")


class Store(Resource):
    """The key-value store. Reached as ``client.store``.

    An item is a JSON object (``value``) stored under a ``key`` in a ``namespace``, a sequence
    of labels such as ``["users", "u1", "memories"]``. ``namespace`` is positional-only, as in
    the official SDK. Besides the SDK's parameters, each method takes ``timeout=`` and
    ``max_retries=``.
    """

    def put_item(
        self,
        namespace: Sequence[str],
        /,
        key: str,
        value: Mapping[str, Any],
        index: Literal[False] | list[str] | None = None,
        ttl: int | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Store an item, replacing any item with the same namespace and key.

        Args:
            namespace: the item's namespace; labels cannot contain periods.
            key: the item's key within the namespace.
            value: the item, a JSON object.
            index: ``False`` to keep it out of the search index, or the fields to index
                (``None``: the store's default).
            ttl: minutes until the item expires (``None``: never).

        Raises:
            ValueError: a namespace label contains a period.

        Examples:
            >>> client.store.put_item(["docs", "put"], "k1", {"text": "hello"})
            >>> client.store.get_item(["docs", "put"], "k1")["value"]
            {'text': 'hello'}
        """
        _check_labels(namespace)
        body = drop_none({"namespace": list(namespace), "key": key, "value": value, "index": index, "ttl": ttl})
        self._put("/store/items", None, body=body, options=self._options(headers, params, timeout, max_retries))

    def get_item(
        self,
        namespace: Sequence[str],
        /,
        key: str,
        *,
        refresh_ttl: bool | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Item | None:
        """Fetch an item.

        Args:
            refresh_ttl: restart the item's TTL (``None``: the store's default).

        Returns:
            The ``Item``, or ``None`` when there is none: the server answers ``null`` (with
            status 200), and the official SDK returns that ``None`` too, although it annotates
            ``Item``.

        Raises:
            ValueError: a namespace label contains a period.

        Examples:
            >>> client.store.put_item(["docs", "get"], "k1", {"n": 1})
            >>> item = client.store.get_item(["docs", "get"], "k1")
            >>> item.namespace, item.key, item.value
            (['docs', 'get'], 'k1', {'n': 1})
            >>> print(client.store.get_item(["docs", "get"], "missing"))
            None
        """
        _check_labels(namespace)
        query: dict[str, Any] = {"key": key, "namespace": ".".join(namespace)}
        if refresh_ttl is not None:
            query["refresh_ttl"] = flag(refresh_ttl)
        found, response = self._json("GET", "/store/items", query=query,
                                     options=self._options(headers, params, timeout, max_retries))
        if found is None:
            return None
        return parse_model(Item, found, method="GET", url=response.url)

    def delete_item(
        self,
        namespace: Sequence[str],
        /,
        key: str,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete an item (deleting one that does not exist is no error).

        Examples:
            >>> client.store.put_item(["docs", "delete"], "k1", {"n": 1})
            >>> client.store.delete_item(["docs", "delete"], "k1")
            >>> print(client.store.get_item(["docs", "delete"], "k1"))
            None
        """
        self._delete("/store/items", body={"key": key, "namespace": list(namespace)},
                     options=self._options(headers, params, timeout, max_retries))

    def search_items(
        self,
        namespace_prefix: Sequence[str],
        /,
        filter: Mapping[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        query: str | None = None,
        refresh_ttl: bool | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SearchItemsResponse:
        """One page of the items under a namespace prefix.

        ``iter_search_items`` walks all pages.

        Args:
            namespace_prefix: the labels the items' namespaces start with.
            filter: only items whose value has each of these key/value pairs.
            limit: the page size.
            offset: how many matches to skip.
            query: a natural-language query (needs a store with a search index).
            refresh_ttl: restart the TTL of the items found (``None``: the store's default).

        Returns:
            ``{"items": [SearchItem, ...]}``, the official SDK's shape.

        Examples:
            >>> client.store.put_item(["docs", "search"], "a", {"color": "red"})
            >>> client.store.put_item(["docs", "search"], "b", {"color": "blue"})
            >>> [item.key for item in client.store.search_items(["docs", "search"], filter={"color": "red"})["items"]]
            ['a']
        """
        body = drop_none({"namespace_prefix": list(namespace_prefix), "filter": filter, "limit": limit,
                          "offset": offset, "query": query, "refresh_ttl": refresh_ttl})
        found, response = self._json("POST", "/store/items/search", body=body, retry=Retry.SAFE,
                                     options=self._options(headers, params, timeout, max_retries))
        method, url = "POST", response.url
        items = found.get("items") if isinstance(found, dict) else None
        if not isinstance(items, list):
            raise InvalidResponseError(
                f"{method} {url}: expected {{\"items\": [...]}}, got {repr(found)[:200]}",
                method=method, url=url, snippet=repr(found)[:200],
            )
        return {**found, "items": [parse_model(SearchItem, item, method=method, url=url) for item in items]}

    def iter_search_items(
        self,
        namespace_prefix: Sequence[str],
        /,
        filter: Mapping[str, Any] | None = None,
        query: str | None = None,
        refresh_ttl: bool | None = None,
        page_size: int = 100,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        *,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[SearchItem]:
        """Every item under a namespace prefix, fetched ``page_size`` at a time.

        Not in the official SDK. Takes ``search_items``' filters; each page is one request,
        made when the previous page has been consumed; it stops after a page shorter than
        ``page_size``. Items written while iterating may shift the pages.

        Raises:
            ValueError: ``page_size`` is less than 1.

        Examples:
            >>> for key in "abc":
            ...     client.store.put_item(["docs", "iter"], key, {})
            >>> sorted(item.key for item in client.store.iter_search_items(["docs", "iter"], page_size=2))
            ['a', 'b', 'c']
        """
        return paginate(
            lambda limit, offset: self.search_items(
                namespace_prefix, filter=filter, limit=limit, offset=offset, query=query, refresh_ttl=refresh_ttl,
                headers=headers, params=params, timeout=timeout, max_retries=max_retries,
            )["items"],
            page_size=page_size,
        )

    def list_namespaces(
        self,
        prefix: list[str] | None = None,
        suffix: list[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ListNamespaceResponse:
        """The namespaces that hold items, optionally only those matching a prefix or suffix.

        Args:
            prefix: only namespaces starting with these labels.
            suffix: only namespaces ending with these labels.
            max_depth: cut namespaces to this many labels (duplicates merged).
            limit: the page size.
            offset: how many namespaces to skip.

        Returns:
            ``{"namespaces": [[label, ...], ...]}``, the official SDK's shape.

        Examples:
            >>> client.store.put_item(["docs", "ns", "deep"], "k", {})
            >>> client.store.list_namespaces(prefix=["docs", "ns"], max_depth=2)
            {'namespaces': [['docs', 'ns']]}
        """
        body = drop_none({"prefix": prefix, "suffix": suffix, "max_depth": max_depth, "limit": limit,
                          "offset": offset})
        found: ListNamespaceResponse = self._post("/store/namespaces", object, body=body, retry=Retry.SAFE,
                                                  options=self._options(headers, params, timeout, max_retries))
        return found
