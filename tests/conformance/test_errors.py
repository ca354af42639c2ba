"""Port of the SDK's ``tests/test_errors.py``: a 4xx/5xx answer raises the typed error of its
status, carrying ``status_code``, ``response``, ``request_id`` and the body's ``code``/``param``/
``type``.

The SDK's tests call its private ``_raise_for_status_typed(response)`` on a made-up
``httpx.Response``; here the same response is served and a public call (``client.http.get``)
receives it, which is what that function exists for. Left out: nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from .served import Served

SOURCE = "tests/test_errors.py"


def make_response(
    status: int,
    *,
    json_body: dict | None = None,
    text_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    content: bytes | None
    if json_body is not None:
        content = orjson.dumps(json_body)
    elif text_body is not None:
        content = text_body.encode()
    else:
        content = b""
    return httpx.Response(status, headers=headers or {}, content=content)


def _raise_for_status_typed(lib: Any, r: httpx.Response) -> None:
    """Serve ``r`` and GET it through the public API: the call raises what the SDK's
    ``_raise_for_status_typed(r)`` raises."""
    with Served(lambda request: r) as served, lib.get_sync_client(url=served.url) as client:
        client.http.get("/test")


STATUSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (503, "InternalServerError"),  # any 5xx
    (418, "APIStatusError"),  # unmapped 4xx falls back to base type
]


@pytest.mark.parametrize("status,exc_type", STATUSES)
def test_raise_for_status_typed_maps_exceptions_and_sets_status_code(lib, status: int, exc_type: str, no_sleep) -> None:
    r = make_response(status, json_body={"message": "boom", "code": "abc", "param": "p", "type": "t"})

    with pytest.raises(getattr(lib.errors, exc_type)) as ei:
        _raise_for_status_typed(lib, r)

    err = ei.value
    assert err.status_code == status
    # response attribute should be present and match
    assert err.response.status_code == status


def test_request_id_is_extracted_when_present(lib) -> None:
    r = make_response(404, json_body={"detail": "missing"}, headers={"x-request-id": "req-123"})
    with pytest.raises(lib.errors.NotFoundError) as ei:
        _raise_for_status_typed(lib, r)
    err = ei.value
    # request_id only exists on APIStatusError subclasses
    assert err.request_id == "req-123"


def test_non_json_body_does_not_break_mapping(lib, no_sleep) -> None:
    r = make_response(429, text_body="Too many requests")
    with pytest.raises(lib.errors.RateLimitError) as ei:
        _raise_for_status_typed(lib, r)
    err = ei.value
    assert err.status_code == 429


def test_field_extraction_from_json_body(lib) -> None:
    r = make_response(
        400,
        json_body={
            "message": "Invalid parameter",
            "code": "invalid_param",
            "param": "limit",
            "type": "invalid_request_error",
        },
    )
    with pytest.raises(lib.errors.BadRequestError) as ei:
        _raise_for_status_typed(lib, r)
    err = ei.value
    assert err.code == "invalid_param"
    assert err.param == "limit"
    assert err.type == "invalid_request_error"


def test_error_message_in_str_and_args(lib) -> None:
    """Test that error message is accessible via str() and args."""
    r = make_response(422, json_body={"message": "Validation failed"})
    with pytest.raises(lib.errors.UnprocessableEntityError) as ei:
        _raise_for_status_typed(lib, r)
    err = ei.value
    if lib.ours:
        assert "Validation failed" in str(err) and err.detail == "Validation failed"
    lib.differs("str(err) names the method, path and status beside the server's message")
    assert str(err) == "Validation failed"
    assert err.args == ("Validation failed",)
    assert err.message == "Validation failed"


@pytest.mark.parametrize("status,exc_type", STATUSES[:8])
def test_all_error_types_display_message(lib, status: int, exc_type: str, no_sleep) -> None:
    """Test that all error subclasses properly display their message."""
    r = make_response(status, json_body={"message": "test error message"})
    with pytest.raises(getattr(lib.errors, exc_type)) as ei:
        _raise_for_status_typed(lib, r)
    err = ei.value
    if lib.ours:
        assert "test error message" in str(err)
    lib.differs("str(err) names the method, path and status beside the server's message")
    assert str(err) == "test error message"
    assert "test error message" in err.args
