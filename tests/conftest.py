"""Fixtures for the tests in ``tests/``: one name per role.

From the root ``conftest.py`` (the docstring examples in ``stateless_client/`` use them too):

- ``server``: the real ``langgraph dev`` server, serving ``tests/graphs``; one per session.
- ``client``: a client of ``server``, without an API key.
- ``seed_input``: the docs' input (a fresh copy per test).

From here:

- ``api``: the mocked API (a ``responses.RequestsMock``): register its answers with
  ``api.get(url, ...)``, ``api.post(...)``, see what was sent in ``api.calls``; an answer
  registered but never requested fails the test.
- ``mock_client``: a client of the mocked API at ``helpers.BASE``, with the API key
  ``helpers.SECRET`` and the default retries.
- ``make_client``: ``make_client(url, **options)`` makes a client of ``url`` (a
  ``ScriptedServer``, a ``CuttingProxy`` in front of ``server``, any URL); ``options`` go to
  ``get_client``. It has an API key only if ``api_key=`` is passed (none is read from the
  environment), the read timeout ``loopback.TIMEOUT`` unless ``timeout=`` is passed, and is
  closed after the test.
- ``sleeps``: the backoff sleeps of the clients ``mock_client`` and ``make_client`` made, in
  order: they are recorded instead of slept.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
import responses

from stateless_client import Client, Timeout, get_client
from stateless_client._config import API_KEY_ENV_VARS

from .helpers import BASE, SECRET
from .loopback import TIMEOUT


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """The mocked API: answers registered by the test, requests kept in ``api.calls``."""
    with responses.RequestsMock() as mocked:
        yield mocked


@pytest.fixture
def sleeps() -> list[float]:
    """The sleeps between retries of the clients made by ``mock_client`` and ``make_client``."""
    return []


@pytest.fixture
def mock_client(sleeps: list[float]) -> Iterator[Client]:
    """A client of the mocked API (``BASE``), with the API key ``SECRET``; retries do not sleep."""
    with get_client(url=BASE, api_key=SECRET) as made:
        made._transport.sleep = sleeps.append
        yield made


@pytest.fixture
def make_client(sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Client]]:
    """``make_client(url, **options)``: a client of ``url``; retries do not sleep, a hang ends
    after ``TIMEOUT``, an API key only from ``api_key=``; closed after the test."""
    for name in API_KEY_ENV_VARS:  # a key in the developer's environment is not sent
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
