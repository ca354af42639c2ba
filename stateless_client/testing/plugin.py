"""The pytest plugin (entry point ``pytest11``): the ``langgraph_mock`` and ``langgraph_server``
fixtures, and the ``--langgraph-config`` option.

Loaded by every pytest run where stateless-client is installed, so it imports nothing but
pytest until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from .._dev.local_server import LocalServer
    from ._mock import LangGraphMock

__all__ = ["langgraph_mock", "langgraph_recording", "langgraph_server", "pytest_addoption"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--langgraph-config`` and the ini option ``langgraph_config``."""
    group = parser.getgroup("stateless-client")
    group.addoption("--langgraph-config", dest="langgraph_config", default=None,
                    help="the langgraph.json that langgraph_server serves (default: the ini option langgraph_config)")
    group.addoption("--langgraph-record", dest="langgraph_record", action="store_true", default=False,
                    help="langgraph_recording: record each test's exchanges with langgraph_server anew")
    parser.addini("langgraph_config", "the langgraph.json that langgraph_server serves, relative to the ini file",
                  default="langgraph.json")


@pytest.fixture
def langgraph_mock() -> Iterator[LangGraphMock]:
    """A scripted LangGraph API on 127.0.0.1 for this test (``stateless_client.testing.LangGraphMock``).

    At the end of the test, a request that nothing scripted, or a scripted answer that was
    never requested, fails it.
    """
    from ._mock import LangGraphMock

    mock = LangGraphMock()
    try:
        yield mock
    finally:
        mock.close()
    mock.check()


@pytest.fixture(scope="session")
def langgraph_server(pytestconfig: pytest.Config) -> Iterator[LocalServer]:
    """A real ``langgraph dev`` serving your ``langgraph.json`` (``--langgraph-config``, ini
    ``langgraph_config``, default ``./langgraph.json``) from a temporary copy of its folder, on a
    free port, for the whole session: ``langgraph_server.url``.

    Skips the test when ``langgraph-cli[inmem]`` (the ``local`` extra) is not installed.
    """
    import importlib.util

    missing = [name for name in ("langgraph_cli", "langgraph_api") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"langgraph_server needs langgraph dev ({', '.join(missing)} missing): "
                    'pip install "stateless-client[local]" (Python 3.11 or newer)')
    option = pytestconfig.getoption("langgraph_config")
    if option:  # relative to where pytest was started
        config = pytestconfig.invocation_params.dir / option
    else:  # relative to the ini file's folder
        base = pytestconfig.inipath.parent if pytestconfig.inipath else pytestconfig.rootpath
        config = base / str(pytestconfig.getini("langgraph_config"))
    if not config.is_file():
        raise pytest.UsageError(f"langgraph_server: no langgraph.json at {config} "
                                "(set --langgraph-config or the ini option langgraph_config)")
    from .._dev.local_server import LocalServer

    with LocalServer(config.parent, config_name=config.name) as server:
        yield server


@pytest.fixture
def langgraph_recording(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[LangGraphMock]:
    """This test's exchanges with a real server, replayed offline: a ``LangGraphMock`` scripted
    from ``recordings/<test module>/<test name>.json`` beside the test file, which fails the test
    on a request the recording does not hold.

    With ``--langgraph-record``, the requests go to ``langgraph_server`` instead and the file is
    written anew; API keys, authorization and cookies are never written to it.
    """
    from ._recording import recorder, recording_path, replayer

    path = recording_path(request.node.path, request.node.name)
    if pytestconfig.getoption("langgraph_record"):
        server = request.getfixturevalue("langgraph_server")
        mock, save = recorder(server.url)
        try:
            yield mock
        finally:
            mock.close()
            save(path)
    else:
        if not path.is_file():
            pytest.fail(f"langgraph_recording: no recording at {path}; run this test once with "
                        "--langgraph-record (and langgraph dev, the local extra) to make it", pytrace=False)
        mock = replayer(path)
        try:
            yield mock
        finally:
            mock.close()
    mock.check()
