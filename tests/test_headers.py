"""Headers are one value per name whatever its case, from where they enter to the wire: the
client's (``api_key``, ``headers=``), a call's ``headers=``, what a method adds itself, and what
the transport sends. Where two set one header, the last one set wins (docs/api.md)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import responses

from stateless_client import Client, InvalidRequestError, get_client
from stateless_client._http.headers import Headers

BASE = "http://headers.test"
SSE = "text/event-stream; charset=utf-8"


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mocked:
        yield mocked


def _sent(api: Any, index: int = -1) -> dict[str, str]:
    """The headers of a request as it went out, by lower-case name."""
    return {name.lower(): value for name, value in api.calls[index].request.headers.items()}


# -- the type ------------------------------------------------------------------------------------


def test_a_name_in_two_cases_is_one_header_the_last_set_wins() -> None:
    headers = Headers({"Accept": "a", "x-tenant": "t", "accept": "b"})
    assert len(headers) == 2 and headers["ACCEPT"] == headers.get("accept") == "b" and "aCCept" in headers
    assert dict(headers) == {"x-tenant": "t", "accept": "b"}  # spelled as last set
    merged = headers.merged({"X-Tenant": "u"})
    assert dict(merged) == {"accept": "b", "X-Tenant": "u"} and dict(headers) == {"x-tenant": "t", "accept": "b"}
    assert dict(merged.without("ACCEPT", "absent")) == {"X-Tenant": "u"}
    assert merged == Headers({"x-tenant": "u", "Accept": "b"}) == {"ACCEPT": "b", "x-TENANT": "u"}
    assert merged != Headers({"x-tenant": "u"}) and merged.merged(None) is merged


def test_the_repr_of_headers_and_of_a_calls_options_never_shows_a_secret() -> None:
    headers = Headers({"X-Api-Key": "sk-1", "Authorization": "Basic dTpw", "x-tenant": "t"})
    assert repr(headers) == "Headers({'X-Api-Key': '***', 'Authorization': '***', 'x-tenant': 't'})"
    with Client("http://user:pw@headers.test", api_key="sk-repr-secret") as client:
        options = client._transport.options(headers={"x-tenant": "t"})
    assert "sk-repr-secret" not in repr(options) and "dXNlcjpwdw" not in repr(options)
    assert "'x-tenant': 't'" in repr(options)


# -- where headers enter -------------------------------------------------------------------------


def test_a_calls_options_hold_one_value_per_name() -> None:
    with Client(BASE, api_key="sk-1", headers={"X-Tenant": "client"}) as client:
        options = client._transport.options(headers={"x-tenant": "call", "X-API-KEY": "for-this-call"}).with_headers(
            {"X-TENANT": "method"})
    assert [value for name, value in options.headers.items() if name.lower() == "x-tenant"] == ["method"]
    assert [value for name, value in options.headers.items() if name.lower() == "x-api-key"] == ["for-this-call"]


@pytest.mark.parametrize("name", ["x-api-key", "X-Api-Key"])
@pytest.mark.parametrize("make", [Client, lambda **options: get_client(url=BASE, **options)])
def test_the_clients_headers_may_not_set_the_reserved_api_key_header(make: Any, name: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"reserved header '{name}'.*api_key=") as caught:
        make(headers={"x-tenant": "t", name: "sk-in-headers"})
    assert isinstance(caught.value, ValueError) and "sk-in-headers" not in str(caught.value)


# -- what reaches the wire -----------------------------------------------------------------------


def test_a_calls_header_wins_over_the_clients_whatever_the_case(api: Any) -> None:
    api.get(f"{BASE}/ok", json={})
    with Client(BASE, api_key=None, headers={"User-Agent": "client/1", "X-Tenant": "acme"}) as client:
        client.http.get("/ok", headers={"user-agent": "call/2", "x-tenant": None})
    sent = _sent(api)
    assert sent["user-agent"] == "call/2" and "x-tenant" not in sent  # None removes a header


def test_a_calls_x_api_key_wins_over_the_clients_api_key(api: Any) -> None:
    api.get(f"{BASE}/ok", json={})
    api.get(f"{BASE}/ok", json={})
    with Client(BASE, api_key="sk-key") as client:
        client.http.get("/ok")
        client.http.get("/ok", headers={"X-Api-Key": "for-this-call"})
    assert _sent(api, 0)["x-api-key"] == "sk-key"
    assert _sent(api, 1)["x-api-key"] == "for-this-call"


def test_a_stream_sends_its_accept_whatever_the_callers_and_a_json_call_the_callers(api: Any) -> None:
    api.post(f"{BASE}/runs/stream", body=b'event: metadata\ndata: {"run_id": "r"}\n\n', content_type=SSE)
    api.get(f"{BASE}/ok", json={})
    with get_client(url=BASE, api_key=None, headers={"accept": "application/json"}) as client:
        assert [part.event for part in client.runs.stream(None, "agent", headers={"Accept": "text/plain"})] == [
            "metadata"]
        client.http.get("/ok", headers={"Accept": "text/plain"})
    assert _sent(api, 0)["accept"] == "text/event-stream"
    assert _sent(api, 1)["accept"] == "text/plain"


def test_a_json_body_is_sent_as_json_and_a_redirected_get_carries_no_content_type(api: Any) -> None:
    api.post(f"{BASE}/a", status=303, headers={"Location": "/b"})
    api.get(f"{BASE}/b", json={"ok": True})
    with Client(BASE, api_key=None) as client:
        assert client.http.post("/a", json={"x": 1}, headers={"Content-Type": "text/plain"}) == {"ok": True}
    assert _sent(api, 0)["content-type"] == "application/json"
    assert api.calls[1].request.method == "GET" and "content-type" not in _sent(api, 1)
