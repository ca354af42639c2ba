"""``lib``: the client library under test, once the official SDK and once this client.

A ported test calls ``lib.get_sync_client(url=...)`` where the SDK's test built its client, and
catches ``lib.StatusError`` where it caught ``httpx.HTTPStatusError``; everything else in a
ported test is the SDK test's own code. A deliberate difference is marked with
``lib.differs(reason)``, which skips (with the reason) for this client only, and is listed in
``docs/porting.md``.

Every port module names the SDK test file it ports in a module-level constant, the path as in
the SDK's source tree::

    SOURCE = "tests/test_errors.py"

and its docstring says what of that file was left out and why. At the end of a run that ran
conformance tests, a table counts per ``SOURCE`` the passed, skipped (a deliberate difference,
or a missing extra), xfailed and failed tests, for ``sdk`` and for ``ours``.

``no_sleep`` is the SDK's own fixture of that name: backoff sleeps are recorded, not slept
(both clients sleep with ``time.sleep``, looked up when a client is made).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

import pytest

import stateless_client

sdk = pytest.importorskip("langgraph_sdk", reason="the conformance suite compares with the official SDK (test extra)")
import httpx  # noqa: E402  (installed with the SDK)
import langgraph_sdk.errors as sdk_errors  # noqa: E402


@dataclass(frozen=True)
class Lib:
    """One client library, seen through the names the SDK's tests use."""

    name: str  # "sdk" or "ours"
    get_sync_client: Callable[..., Any]
    StatusError: type[BaseException]  # what a 4xx/5xx answer raises
    module: Any
    get_sync_client_as_is: Callable[..., Any]  # without the api_key=None default
    errors: Any  # the module with the typed errors: NotFoundError, ...


    @property
    def ours(self) -> bool:
        return self.name == "ours"

    def status_of(self, error: BaseException) -> int:
        """The HTTP status an error carries, however the library names it."""
        if isinstance(error, httpx.HTTPStatusError):
            return error.response.status_code
        return int(error.status_code)  # type: ignore[attr-defined]

    def differs(self, reason: str) -> None:
        """Skip for this client: a deliberate difference, listed in docs/porting.md."""
        if self.ours:
            pytest.skip(f"deliberate difference: {reason}")



def _ours(**kwargs: Any) -> Any:
    # ``get_sync_client`` is named ``get_client`` here (docs/porting.md, "the import").
    kwargs.setdefault("api_key", None)
    return stateless_client.get_client(**kwargs)


def _theirs(**kwargs: Any) -> Any:
    kwargs.setdefault("api_key", None)
    return sdk.get_sync_client(**kwargs)


LIBS = {
    "sdk": Lib("sdk", _theirs, httpx.HTTPStatusError, sdk, sdk.get_sync_client, sdk_errors),
    "ours": Lib("ours", _ours, stateless_client.APIStatusError, stateless_client, stateless_client.get_client,
                 stateless_client),
}


@pytest.fixture(params=list(LIBS))
def lib(request: pytest.FixtureRequest) -> Lib:
    """The library under test: ``sdk`` (langgraph_sdk) or ``ours`` (stateless_client)."""
    return LIBS[request.param]


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff sleeps without actually waiting (the SDK's fixture, sync half)."""
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


# -- the per-source summary ------------------------------------------------------------------------

_SOURCES: dict[str, tuple[str, str]] = {}  # nodeid -> (SOURCE, lib name)
_KINDS = ("passed", "skipped", "xfailed", "failed")
_COUNTS: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_KINDS, 0))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        source = getattr(module, "SOURCE", None)
        callspec = getattr(item, "callspec", None)
        if source is None or callspec is None or "lib" not in callspec.params:
            continue
        _SOURCES[item.nodeid] = (source, callspec.params["lib"])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    key = _SOURCES.get(report.nodeid)
    if key is None:
        return
    if report.failed:
        _COUNTS[key]["failed"] += 1
    elif hasattr(report, "wasxfail"):
        _COUNTS[key]["xfailed"] += 1
    elif report.skipped:
        _COUNTS[key]["skipped"] += 1
    elif report.passed and report.when == "call":
        _COUNTS[key]["passed"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _COUNTS:
        return
    sources = sorted({source for source, _ in _COUNTS})
    width = max(len("SDK source"), *(len(source) for source in sources))
    write = terminalreporter.write_line
    terminalreporter.section("conformance: passed/skipped/xfailed/failed per SDK source file")
    write(f"{'SDK source':<{width}}  {'sdk':>14}  {'ours':>14}")
    totals = {name: dict.fromkeys(_KINDS, 0) for name in LIBS}
    for source in sources:
        cells = []
        for name in LIBS:
            counts = _COUNTS.get((source, name), dict.fromkeys(_KINDS, 0))
            for kind, n in counts.items():
                totals[name][kind] += n
            cells.append("/".join(str(counts[kind]) for kind in _KINDS))
        write(f"{source:<{width}}  {cells[0]:>14}  {cells[1]:>14}")
    cells = ["/".join(str(t[kind]) for kind in _KINDS) for t in totals.values()]
    write(f"{'total':<{width}}  {cells[0]:>14}  {cells[1]:>14}")
