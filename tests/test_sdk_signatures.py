"""Signature parity with the official SDK's sync client (``langgraph-sdk``, pinned in the test extra).

Code written for ``langgraph_sdk.get_sync_client`` must run on ``stateless_client.get_client``
unchanged, so for ``get_client`` itself and every public method of the SDK client's ``runs``,
``threads``, ``assistants``, ``crons``, ``store`` and ``http``:

- every SDK parameter exists here with the same name, kind (positional-only, positional-or-keyword,
  keyword-only) and default (by value; the SDK's and our "not provided" sentinels are equal), and
  the positional ones come in the same order;
- a parameter the SDK does not have is keyword-only with a default (``timeout=``, ``max_retries=``,
  ``raise_error=``, ``session=``), so no SDK call can land on it.

``test_signatures_match`` checks the methods both clients have, one test id each;
``test_every_sdk_method_exists`` lists the ones we do not have yet. A difference we keep on purpose
goes in ``DELIBERATE`` with its reason.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterator

import langgraph_sdk
import pytest

import stateless_client
from stateless_client import NOT_GIVEN

# "method.parameter" (or "method" for a whole method) -> why we differ from the SDK on purpose.
DELIBERATE: dict[str, str] = {
    "get_client.timeout": (
        "the same limits by default (5 s to connect, 300 s of silence), spelled Timeout(); here None "
        "means no limit, as for every per-call timeout=, where the SDK's None means its defaults"
    ),
}

RESOURCES = ("runs", "threads", "assistants", "crons", "store", "http")
_URL = "http://127.0.0.1:9"  # never contacted: building a client opens no connection


def _sdk_client() -> Any:
    return langgraph_sdk.get_sync_client(url=_URL, api_key=None)


def _our_client() -> Any:
    return stateless_client.get_client(url=_URL, api_key=None)


def _public_methods(resource: Any) -> list[str]:
    names = (name for name in dir(resource) if not name.startswith("_"))
    return sorted(name for name in names if inspect.ismethod(getattr(resource, name)))


def _sdk_methods() -> dict[str, Callable[..., Any]]:
    """``"resource.method"`` -> the SDK's bound method, plus ``"get_client"``."""
    client = _sdk_client()
    try:
        methods: dict[str, Callable[..., Any]] = {"get_client": langgraph_sdk.get_sync_client}
        for resource_name in RESOURCES:
            resource = getattr(client, resource_name)
            for name in _public_methods(resource):
                methods[f"{resource_name}.{name}"] = getattr(resource, name)
        return methods
    finally:
        client.close()


def _our_method(client: Any, qualified: str) -> Callable[..., Any] | None:
    if qualified == "get_client":
        return stateless_client.get_client
    resource_name, name = qualified.split(".")
    method = getattr(getattr(client, resource_name, None), name, None)
    return method if callable(method) else None


SDK_METHODS = _sdk_methods()


def _ours() -> dict[str, Callable[..., Any] | None]:
    client = _our_client()
    try:
        return {qualified: _our_method(client, qualified) for qualified in SDK_METHODS}
    finally:
        client.close()


OUR_METHODS = _ours()
BOTH = [qualified for qualified, method in OUR_METHODS.items() if method is not None]


def _not_provided(value: Any) -> bool:
    """A "not provided" sentinel: the SDK's bare ``object()`` ones (``NOT_PROVIDED``), or our ``NOT_GIVEN``."""
    return value is NOT_GIVEN or type(value) is object


def _same_default(sdk: Any, ours: Any) -> bool:
    if _not_provided(sdk) or _not_provided(ours):
        return _not_provided(sdk) and _not_provided(ours)
    if sdk is inspect.Parameter.empty or ours is inspect.Parameter.empty:
        return sdk is ours
    try:
        return bool(sdk == ours) and type(sdk) is type(ours)
    except Exception:
        return False


def _show(default: Any) -> str:
    if default is inspect.Parameter.empty:
        return "no default"
    return "not provided" if _not_provided(default) else repr(default)


def differences(qualified: str, sdk: inspect.Signature, ours: inspect.Signature) -> Iterator[str]:
    """How ``ours`` falls short of ``sdk``: one line per problem, ``DELIBERATE`` ones left out."""
    sdk_params, our_params = sdk.parameters, ours.parameters
    for name, theirs in sdk_params.items():
        if f"{qualified}.{name}" in DELIBERATE:
            continue
        mine = our_params.get(name)
        if mine is None:
            yield f"{name}: missing (SDK: {theirs.kind.description}, default {_show(theirs.default)})"
            continue
        if mine.kind is not theirs.kind:
            yield f"{name}: {mine.kind.description} here, {theirs.kind.description} in the SDK"
        if not _same_default(theirs.default, mine.default):
            yield f"{name}: default {_show(mine.default)} here, {_show(theirs.default)} in the SDK"
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    sdk_order = [name for name, p in sdk_params.items() if p.kind in positional]
    our_order = [name for name, p in our_params.items() if p.kind in positional and name in sdk_order]
    if our_order != [name for name in sdk_order if name in our_order]:
        yield f"positional order {our_order} here, {sdk_order} in the SDK"
    for name, mine in our_params.items():
        if name in sdk_params or f"{qualified}.{name}" in DELIBERATE:
            continue
        if mine.kind is not inspect.Parameter.KEYWORD_ONLY or mine.default is inspect.Parameter.empty:
            yield f"{name}: not in the SDK, so it must be keyword-only with a default ({mine.kind.description} here)"


@pytest.mark.parametrize("qualified", BOTH)
def test_signatures_match(qualified: str) -> None:
    ours = OUR_METHODS[qualified]
    assert ours is not None
    problems = list(differences(qualified, inspect.signature(SDK_METHODS[qualified]), inspect.signature(ours)))
    if problems:
        header = f"{qualified} differs from langgraph-sdk {langgraph_sdk.__version__}:"
        pytest.fail("\n  ".join([header, *problems]), pytrace=False)


def test_every_sdk_method_exists() -> None:
    missing = [q for q, method in OUR_METHODS.items() if method is None and q not in DELIBERATE]
    if missing:
        header = f"{len(missing)} methods of langgraph-sdk {langgraph_sdk.__version__}'s sync client are missing here:"
        pytest.fail("\n  ".join([header, *missing]), pytrace=False)


def test_deliberate_differences_are_real() -> None:
    """Each ``DELIBERATE`` entry names an SDK parameter (or method) we still differ on: no stale excuses."""
    for key in DELIBERATE:
        if key in SDK_METHODS:
            assert OUR_METHODS[key] is None, f"{key} exists now: drop it from DELIBERATE"
            continue
        qualified, _, name = key.rpartition(".")
        assert qualified in SDK_METHODS and name in inspect.signature(SDK_METHODS[qualified]).parameters, key
        ours = OUR_METHODS[qualified]
        if ours is None:
            continue
        theirs = inspect.signature(SDK_METHODS[qualified]).parameters[name]
        mine = inspect.signature(ours).parameters.get(name)
        same = mine is not None and mine.kind is theirs.kind and _same_default(theirs.default, mine.default)
        assert not same, f"{key} matches the SDK now: drop it from DELIBERATE"


_SENTINEL = object()  # like the SDK's NOT_PROVIDED


def test_the_checker_catches_each_kind_of_difference() -> None:
    def sdk(thread_id: str, run_id: str, /, *, wait: bool = False, params: Any = None,
            key: Any = _SENTINEL) -> None: ...

    def same(thread_id: str, run_id: str, /, *, wait: bool = False, params: Any = None, key: Any = NOT_GIVEN,
             timeout: Any = NOT_GIVEN) -> None: ...

    def off(run_id: str, thread_id: str, *, wait: Any = None, key: Any = None, extra: Any = None,
            required: Any) -> None: ...

    assert list(differences("x", inspect.signature(sdk), inspect.signature(same))) == []
    found = list(differences("x", inspect.signature(sdk), inspect.signature(off)))
    assert found == [
        "thread_id: positional or keyword here, positional-only in the SDK",
        "run_id: positional or keyword here, positional-only in the SDK",
        "wait: default None here, False in the SDK",
        "params: missing (SDK: keyword-only, default None)",
        "key: default None here, not provided in the SDK",
        "positional order ['run_id', 'thread_id'] here, ['thread_id', 'run_id'] in the SDK",
        "required: not in the SDK, so it must be keyword-only with a default (keyword-only here)",
    ], found
