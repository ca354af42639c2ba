"""What ``import stateless_client`` loads: only what every caller needs (issue 21).

The time itself is measured by ``python -m benchmarks --only import``; these tests pin which
modules stay unloaded until their first use, which a timing on a shared machine cannot.
"""

from __future__ import annotations

import subprocess
import sys

import stateless_client

#: Loaded by their first user: the ASGI relay's event loop, the relays, the thread stream and
#: ``wait_many``'s thread pool.
DEFERRED = (
    "asyncio",
    "concurrent.futures",
    "stateless_client._http.relay",
    "stateless_client._thread_stream.stream",
    "stateless_client._thread_stream.events",
    "stateless_client._resources.many",
    "stateless_client.otel",  # and so OpenTelemetry: only with tracing turned on (issue 20)
    "opentelemetry.trace",
)


def _loaded_after(code: str) -> set[str]:
    """The ``DEFERRED`` modules a fresh interpreter has loaded after running ``code``."""
    probe = f"import sys\n{code}\nprint(' '.join(name for name in {DEFERRED!r} if name in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_import_and_a_client_leave_the_rest_unloaded() -> None:
    code = "import stateless_client\nstateless_client.get_client(url='http://127.0.0.1:9', api_key=None)"
    assert _loaded_after(code) == set()


def test_each_deferred_module_loads_with_its_first_user() -> None:
    assert _loaded_after("from stateless_client import SSE_RESPONSE_HEADERS") == {"stateless_client._http.relay"}
    assert {"stateless_client._thread_stream.stream", "stateless_client._thread_stream.events"} <= (
        _loaded_after("import stateless_client\nstateless_client.ThreadStream")
    )


def test_lazy_names_resolve_once_and_are_listed() -> None:
    from stateless_client._http.stream import RunStream

    assert stateless_client.RunStream is RunStream
    assert vars(stateless_client)["RunStream"] is RunStream  # cached: no second lookup
    assert set(stateless_client.__all__) <= set(dir(stateless_client))
    try:
        stateless_client.Misspelt  # noqa: B018
    except AttributeError as exc:
        assert "Misspelt" in str(exc)
    else:
        raise AssertionError("a name that does not exist resolved")
