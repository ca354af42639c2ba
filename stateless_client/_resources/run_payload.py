"""``run_payload``: the JSON body of a run, for ``client.runs`` and ``client.crons`` alike."""

from __future__ import annotations

import warnings
from typing import Any, Final

__all__ = ["run_payload"]

# The one field whose wire name differs from its parameter's.
_WIRE_NAMES: Final = {"langsmith_tracing": "langsmith_tracer"}


def run_payload(assistant_id: str, **fields: Any) -> dict[str, Any]:
    """The body of a run (``POST /runs``, ``/runs/stream``, ``/runs/wait``) or of a cron.

    Each field is sent under its parameter's name, except ``langsmith_tracing``, which the
    API calls ``langsmith_tracer``. ``None`` values are dropped so the server's defaults
    apply; so are ``None`` fields of ``command``. ``checkpoint_during`` is accepted with a
    ``DeprecationWarning``, as the official SDK does; call this from the public method, so
    the warning points at the caller's line.
    """
    if fields.get("checkpoint_during") is not None:
        warnings.warn(
            "checkpoint_during is deprecated (as in the official SDK): use durability instead",
            DeprecationWarning,
            stacklevel=3,
        )
    command = fields.get("command")
    if command:
        fields["command"] = {key: value for key, value in command.items() if value is not None}
    body = {"assistant_id": assistant_id}
    for name, value in fields.items():
        if value is not None:
            body[_WIRE_NAMES.get(name, name)] = value
    return body
