"""``client.assistants``: assistants, the versioned configurations of a deployment's graphs."""

from __future__ import annotations

from typing import Any, Iterator, Literal, Mapping, overload

import requests

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._exceptions import InvalidResponseError
from .._http.retries import Retry
from .._http.urls import path
from .._models import Assistant, AssistantVersion, GraphSchema, parse_model, parse_selected
from ..types import (
    AssistantSelectField,
    AssistantSortBy,
    AssistantsSearchResponse,
    Config,
    Context,
    Json,
    OnConflictBehavior,
    QueryParamTypes,
    SortOrder,
    Subgraphs,
)
from .base import Resource, flag, paginate

__all__ = ["Assistants"]


def _filters(metadata: Json, graph_id: str | None, name: str | None) -> dict[str, Any]:
    """The search and count filters that are set (the SDK sends only truthy ones)."""
    return {key: value for key, value in (("metadata", metadata), ("graph_id", graph_id), ("name", name)) if value}


class Assistants(Resource):
    """Assistants on the server. Reached as ``client.assistants``.

    Every graph in ``langgraph.json`` has a default assistant made by the server (metadata
    ``{"created_by": "system"}``); ``create`` makes more, each with its own config, context
    and metadata. ``update`` makes a new version; ``set_latest`` goes back to an older one.

    Besides the official SDK's parameters, each method takes ``timeout=`` and ``max_retries=``.
    """

    def get(
        self,
        assistant_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Fetch an assistant.

        Args:
            assistant_id: the assistant's ID (``langgraph dev`` wants a UUID here, not a
                graph's name).

        Returns:
            The ``Assistant``.

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("agent", name="fetched")
            >>> client.assistants.get(made.assistant_id)["name"]
            'fetched'
        """
        return self._get(path("assistants", assistant_id), Assistant,
                         options=self._options(headers, params, timeout, max_retries))

    def get_graph(
        self,
        assistant_id: str,
        *,
        xray: int | bool = False,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> dict[str, list[dict[str, Any]]]:
        """The drawing of an assistant's graph: ``{"nodes": [...], "edges": [...]}``.

        A free-form JSON object (its nodes' ``data`` depend on the graph), returned as a plain
        ``dict``, as by the official SDK.

        Args:
            xray: draw subgraphs inside their parent node: ``True`` for all, or the depth.

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("subgraph")
            >>> [node["id"] for node in client.assistants.get_graph(made.assistant_id, xray=True)["nodes"]]
            ['__start__', '__end__', 'child:child_node']
        """
        query = {"xray": flag(xray) if isinstance(xray, bool) else xray}
        return self._get(path("assistants", assistant_id, "graph"), object, query=query,  # type: ignore[no-any-return]
                         options=self._options(headers, params, timeout, max_retries))

    def get_schemas(
        self,
        assistant_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> GraphSchema:
        """The JSON schemas of an assistant's graph: input, output, state, config and context.

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> schemas = client.assistants.get_schemas(client.assistants.create("agent").assistant_id)
            >>> schemas.graph_id, "messages" in schemas.state_schema["properties"]
            ('agent', True)
        """
        return self._get(path("assistants", assistant_id, "schemas"), GraphSchema,
                         options=self._options(headers, params, timeout, max_retries))

    def get_subgraphs(
        self,
        assistant_id: str,
        namespace: str | None = None,
        recurse: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Subgraphs:
        """The schemas of an assistant's subgraphs, by namespace.

        Args:
            namespace: only the subgraph at this namespace (an unknown one gives ``{}``).
            recurse: include the subgraphs of subgraphs.

        Returns:
            A ``dict`` from each subgraph's namespace to its ``GraphSchema`` (without
            ``graph_id``).

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("subgraph")
            >>> subgraphs = client.assistants.get_subgraphs(made.assistant_id)
            >>> list(subgraphs), type(subgraphs["child"]).__name__
            (['child'], 'GraphSchema')
        """
        segments = ("assistants", assistant_id, "subgraphs") + (() if namespace is None else (namespace,))
        found, response = self._json("GET", path(*segments), query={"recurse": flag(recurse)},
                                     options=self._options(headers, params, timeout, max_retries))
        return _subgraphs(found, response)

    def create(
        self,
        graph_id: str | None,
        config: Config | None = None,
        *,
        context: Context | None = None,
        metadata: Json = None,
        assistant_id: str | None = None,
        if_exists: OnConflictBehavior | None = None,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
        description: str | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Create an assistant for a graph, e.g. the same graph with another config.

        Args:
            graph_id: the graph, as named in ``langgraph.json``.
            config: the graph's config (``{"configurable": {...}, ...}``).
            context: static run context for the graph's ``context_schema``.
            metadata: metadata to store with the assistant.
            assistant_id: the ID to use (a UUID); the server makes one up when omitted.
            if_exists: ``"raise"`` (409, the server's default) or ``"do_nothing"`` (return the
                existing assistant) when ``assistant_id`` exists.
            name: a name (the server's default is ``"Untitled"``).
            description: a description.

        Returns:
            The new ``Assistant`` (version 1).

        Raises:
            NotFoundError: no such graph.
            ConflictError: ``assistant_id`` exists and ``if_exists`` is not ``"do_nothing"``.

        Examples:
            >>> made = client.assistants.create("agent", {"tags": ["docs"]}, name="helper")
            >>> made.graph_id, made.name, made.version, made["config"]["tags"]
            ('agent', 'helper', 1, ['docs'])
        """
        # As the SDK: graph_id always; the rest only when truthy.
        optional = {"config": config, "context": context, "metadata": metadata, "assistant_id": assistant_id,
                    "if_exists": if_exists, "name": name, "description": description}
        body = {"graph_id": graph_id, **{key: value for key, value in optional.items() if value}}
        return self._post("/assistants", Assistant, body=body,
                          options=self._options(headers, params, timeout, max_retries))

    def update(
        self,
        assistant_id: str,
        *,
        graph_id: str | None = None,
        config: Config | None = None,
        context: Context | None = None,
        metadata: Json = None,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
        description: str | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Change an assistant; the server keeps the old version and makes a new one.

        Args:
            graph_id: point the assistant at another graph (unchanged when ``None``).
            config: the new config, replacing the old one (``{}`` is sent, as by the SDK, but
                ``langgraph dev`` then keeps the old config).
            context: the new context, replacing the old one (``{}`` clears it).
            metadata: merged into the existing metadata.
            name: a new name.
            description: a new description.

        Returns:
            The updated ``Assistant``, with its new ``version``.

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("agent", metadata={"a": 1})
            >>> changed = client.assistants.update(made.assistant_id, metadata={"b": 2})
            >>> changed.version, changed.metadata
            (2, {'a': 1, 'b': 2})
        """
        body: dict[str, Any] = {}
        if graph_id:
            body["graph_id"] = graph_id
        if config is not None:
            body["config"] = config
        if context is not None:
            body["context"] = context
        for key, value in (("metadata", metadata), ("name", name), ("description", description)):
            if value:
                body[key] = value
        return self._patch(path("assistants", assistant_id), Assistant, body=body,
                           options=self._options(headers, params, timeout, max_retries))

    def delete(
        self,
        assistant_id: str,
        *,
        delete_threads: bool = False,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete an assistant and all its versions.

        Args:
            delete_threads: also delete this assistant's threads, with their runs and
                checkpoints (``langgraph dev`` deletes the threads that ran it).

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("agent")
            >>> client.assistants.delete(made.assistant_id)
            >>> from stateless_client import NotFoundError
            >>> try:
            ...     client.assistants.get(made.assistant_id)
            ... except NotFoundError as error:
            ...     print(error.status_code)
            404
        """
        query = {"delete_threads": flag(True)} if delete_threads else None
        self._delete(path("assistants", assistant_id), query=query,
                     options=self._options(headers, params, timeout, max_retries))

    @overload
    def search(
        self,
        *,
        metadata: Json = ...,
        graph_id: str | None = ...,
        name: str | None = ...,
        limit: int = ...,
        offset: int = ...,
        sort_by: AssistantSortBy | None = ...,
        sort_order: SortOrder | None = ...,
        select: list[AssistantSelectField] | None = ...,
        response_format: Literal["array"] = ...,
        headers: Mapping[str, str] | None = ...,
        params: QueryParamTypes | None = ...,
        timeout: TimeoutArg = ...,
        max_retries: int | NotGiven = ...,
    ) -> list[Assistant]: ...
    @overload
    def search(
        self,
        *,
        metadata: Json = ...,
        graph_id: str | None = ...,
        name: str | None = ...,
        limit: int = ...,
        offset: int = ...,
        sort_by: AssistantSortBy | None = ...,
        sort_order: SortOrder | None = ...,
        select: list[AssistantSelectField] | None = ...,
        response_format: Literal["object"],
        headers: Mapping[str, str] | None = ...,
        params: QueryParamTypes | None = ...,
        timeout: TimeoutArg = ...,
        max_retries: int | NotGiven = ...,
    ) -> AssistantsSearchResponse: ...
    def search(
        self,
        *,
        metadata: Json = None,
        graph_id: str | None = None,
        name: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: AssistantSortBy | None = None,
        sort_order: SortOrder | None = None,
        select: list[AssistantSelectField] | None = None,
        response_format: Literal["array", "object"] = "array",
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Assistant] | AssistantsSearchResponse:
        """One page of the assistants matching the filters.

        ``iter_search`` walks all pages.

        Args:
            metadata: only assistants whose metadata has each of these key/value pairs.
            graph_id: only assistants of this graph.
            name: only assistants whose name contains this (case-insensitive).
            limit: the page size.
            offset: how many matches to skip.
            sort_by: ``"assistant_id"``, ``"graph_id"``, ``"name"``, ``"created_at"`` or
                ``"updated_at"``.
            sort_order: ``"asc"`` or ``"desc"``.
            select: only these fields. The server then sends partial objects: a field left
                out is absent from the mapping and ``None`` (or its default) as an attribute.
            response_format: ``"array"``: a list; ``"object"``: ``{"assistants": [...],
                "next": ...}`` where ``next`` is the offset of the next page (the server's
                ``X-Pagination-Next`` header) or ``None`` after the last page.

        Raises:
            ValueError: ``response_format`` is neither ``"array"`` nor ``"object"``.

        Examples:
            >>> made = client.assistants.create("agent", metadata={"example": "search"})
            >>> found = client.assistants.search(metadata={"example": "search"})
            >>> [assistant.assistant_id for assistant in found] == [made.assistant_id]
            True
            >>> page = client.assistants.search(graph_id="agent", limit=1, response_format="object")
            >>> len(page["assistants"]), page["next"]
            (1, '1')
        """
        if response_format not in ("array", "object"):
            raise ValueError(f"response_format must be 'array' or 'object', not {response_format!r}")
        body: dict[str, Any] = {"limit": limit, "offset": offset, **_filters(metadata, graph_id, name)}
        for key, value in (("sort_by", sort_by), ("sort_order", sort_order), ("select", select)):
            if value:
                body[key] = value
        next_page: list[str | None] = [None]

        def keep_next(response: requests.Response) -> None:
            next_page[0] = response.headers.get("x-pagination-next")

        found = self._post(
            "/assistants/search", [Assistant] if not select else object, body=body, retry=Retry.SAFE,
            on_response=keep_next if response_format == "object" else None,
            options=self._options(headers, params, timeout, max_retries),
        )
        if select:
            found = parse_selected(Assistant, found, method="POST", url="/assistants/search")
        if response_format == "object":
            return {"assistants": found, "next": next_page[0]}
        return found

    def iter_search(
        self,
        *,
        metadata: Json = None,
        graph_id: str | None = None,
        name: str | None = None,
        sort_by: AssistantSortBy | None = None,
        sort_order: SortOrder | None = None,
        page_size: int = 100,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[Assistant]:
        """Every assistant matching the filters, fetched ``page_size`` at a time.

        Not in the official SDK. Takes ``search``'s filters; each page is one ``search``
        request, made when the previous page has been consumed; it stops after a page shorter
        than ``page_size``. Pages are fetched by offset: assistants created or deleted while
        iterating may shift the pages, so pass ``sort_by="created_at"`` for a stable order.

        Raises:
            ValueError: ``page_size`` is less than 1.

        Examples:
            >>> for _ in range(3):
            ...     _ = client.assistants.create("agent", metadata={"example": "iter_search"})
            >>> len(list(client.assistants.iter_search(metadata={"example": "iter_search"}, page_size=2)))
            3
        """
        return paginate(
            lambda limit, offset: self.search(
                metadata=metadata, graph_id=graph_id, name=name, limit=limit, offset=offset, sort_by=sort_by,
                sort_order=sort_order, headers=headers, params=params, timeout=timeout, max_retries=max_retries,
            ),
            page_size=page_size,
        )

    def count(
        self,
        *,
        metadata: Json = None,
        graph_id: str | None = None,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> int:
        """How many assistants match the filters (the same filters as ``search``).

        Examples:
            >>> _ = client.assistants.create("agent", metadata={"example": "count"})
            >>> client.assistants.count(metadata={"example": "count"})
            1
        """
        return self._post("/assistants/count", int, body=_filters(metadata, graph_id, name), retry=Retry.SAFE,
                          options=self._options(headers, params, timeout, max_retries))

    def get_versions(
        self,
        assistant_id: str,
        metadata: Json = None,
        limit: int = 10,
        offset: int = 0,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[AssistantVersion]:
        """An assistant's versions, newest first.

        Args:
            metadata: only versions whose metadata has each of these key/value pairs
                (``langgraph dev`` answers 404 when none has).
            limit: the page size.
            offset: how many versions to skip.

        Raises:
            NotFoundError: no such assistant.

        Examples:
            >>> made = client.assistants.create("agent", name="first")
            >>> _ = client.assistants.update(made.assistant_id, name="second")
            >>> [(v.version, v.name) for v in client.assistants.get_versions(made.assistant_id)]
            [(2, 'second'), (1, 'first')]
        """
        body: dict[str, Any] = {"limit": limit, "offset": offset}
        if metadata:
            body["metadata"] = metadata
        return self._post(path("assistants", assistant_id, "versions"), [AssistantVersion], body=body,
                          retry=Retry.SAFE, options=self._options(headers, params, timeout, max_retries))

    def set_latest(
        self,
        assistant_id: str,
        version: int,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Assistant:
        """Make one of an assistant's versions the one in effect.

        Returns:
            The ``Assistant`` as of that version.

        Raises:
            NotFoundError: no such assistant or version.

        Examples:
            >>> made = client.assistants.create("agent", name="first")
            >>> _ = client.assistants.update(made.assistant_id, name="second")
            >>> back = client.assistants.set_latest(made.assistant_id, 1)
            >>> back.version, back.name
            (1, 'first')
        """
        return self._post(path("assistants", assistant_id, "latest"), Assistant, body={"version": version},
                          options=self._options(headers, params, timeout, max_retries))


def _subgraphs(found: Any, response: requests.Response) -> Subgraphs:
    """``get_subgraphs``' answer: a JSON object of ``GraphSchema`` objects."""
    method, url = response.request.method or "GET", response.url
    if not isinstance(found, dict):
        raise InvalidResponseError(
            f"{method} {url}: expected a JSON object of subgraph schemas, got {type(found).__name__}",
            method=method, url=url, snippet=repr(found)[:200],
        )
    return {name: parse_model(GraphSchema, schemas, method=method, url=url) for name, schemas in found.items()}
