"""Signature parity with the official SDK (``langgraph-sdk``, installed by the test extra)."""

from __future__ import annotations

import inspect
from typing import Any

OUR_EXTRAS = ("timeout", "max_retries")


def public_methods(cls: type) -> list[str]:
    """The public methods a class defines itself."""
    return [name for name, member in vars(cls).items() if not name.startswith("_") and inspect.isfunction(member)]


def assert_same_signature(ours: Any, theirs: Any) -> None:
    """The SDK's parameters in its order, kinds and defaults, then our keyword-only extras."""
    our_params = list(inspect.signature(ours).parameters.values())
    their_params = list(inspect.signature(theirs).parameters.values())
    shape = [(p.name, p.kind, p.default) for p in our_params[: len(their_params)]]
    assert shape == [(p.name, p.kind, p.default) for p in their_params], ours.__qualname__
    extras = our_params[len(their_params):]
    assert [p.name for p in extras] == list(OUR_EXTRAS), ours.__qualname__
    assert all(p.kind is p.KEYWORD_ONLY for p in extras), ours.__qualname__


def assert_mirrors(ours: type, theirs: type) -> None:
    """Every public method of the SDK's class exists on ours with the same signature."""
    for name in public_methods(theirs):
        assert hasattr(ours, name), f"{ours.__name__} lacks the SDK's {name}"
        assert_same_signature(getattr(ours, name), getattr(theirs, name))
