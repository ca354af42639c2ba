"""Hostile or careless input never reaches the wire, never leaks a secret, never escapes the origin.

Headers and API keys that HTTP cannot carry, passwords in the URL, IDs that change the
endpoint, absurd ``Retry-After`` values, ``Location`` headers that name another host, and
bodies JSON cannot encode: each is refused before anything is sent (or handled), with a
message that names the problem and never a secret. Where the transport decides (nothing
sent, retries, logs, where a connection goes) the tests use real loopback sockets.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

import pytest

import stateless_client
from stateless_client import (
    APIError,
    Client,
    InvalidRequestError,
    NotSerializableError,
    StatelessClientError,
    Timeout,
    get_client,
)

from .loopback import TIMEOUT, Connection

SECRET = "sk-hostile-suite-secret"
JSON_OK = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n"
           b'connection: close\r\n\r\n{"answer": 42}\n')
ROOT = Path(__file__).parent.parent
KEY_ENV_VARS = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")


def answer_json(conn: Connection) -> None:
    conn.send(JSON_OK)


def status(code: int, reason: str, body: bytes = b"", **headers: str) -> Any:
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    head = (f"HTTP/1.1 {code} {reason}\r\ncontent-type: text/plain\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\n{extra}\r\n").encode()
    return lambda conn: conn.send(head + body)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in KEY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    made: list[Client] = []

    def make(url: str, **options: Any) -> Client:
        options.setdefault("timeout", Timeout(connect=TIMEOUT, read=TIMEOUT))
        client = get_client(url=url, **options)
        client._transport.sleep = sleeps.append
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # every logger: urllib3's too
    return caplog


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_the_new_errors_are_value_and_type_errors_of_the_one_hierarchy() -> None:
    assert issubclass(InvalidRequestError, StatelessClientError) and issubclass(InvalidRequestError, ValueError)
    assert not issubclass(InvalidRequestError, APIError)  # nothing was sent: no method, no URL
    assert issubclass(NotSerializableError, InvalidRequestError) and issubclass(NotSerializableError, TypeError)
    assert stateless_client.InvalidRequestError is InvalidRequestError
