"""The UI examples run for real (docs/ui.md): ``examples/streamlit_app.py`` under Streamlit's own
``AppTest`` and under ``streamlit run`` in headless Chromium, and ``examples/gradio_app.py``
launched on a free port and driven by ``gradio_client`` and by Chromium, each in front of the real
``langgraph dev``.

Needs the ``ui`` extra (streamlit, gradio, gradio_client); skipped, saying so, without it. The
graphs are ``tokens`` (a fake chat model: "Hello Bagatur! Nice to meet you."), ``slow_tokens``
(an echo model, one token every 50 ms) and ``error`` (a run that fails).

``UPDATE_SCREENSHOTS=1`` writes the Chromium screenshots to ``docs/img/streamlit.png`` and
``docs/img/gradio.png``.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator, TypeVar

import pytest
import requests

from stateless_client import Client
from stateless_client._dev.local_server import LocalServer, free_port
from stateless_client.testing import LangGraphMock, tokens

_MISSING = "the ui extra is not installed: pip install -e '.[test,ui]'"
pytest.importorskip("streamlit", reason=_MISSING)
pytest.importorskip("gradio", reason=_MISSING)
pytest.importorskip("gradio_client", reason=_MISSING)

from streamlit.testing.v1 import AppTest  # noqa: E402

from .helpers import stop_process  # noqa: E402

# Gradio makes asyncio event loops (each with an AF_UNIX socket pair) in threads of its own and
# leaves them to the garbage collector; the suite turns ResourceWarning into an error. Only
# those are let through: an unclosed TCP socket (family 2, the client's) still fails a test.
pytestmark = [
    pytest.mark.filterwarnings("ignore:unclosed event loop:ResourceWarning"),
    pytest.mark.filterwarnings(r"ignore:unclosed <socket\.socket fd=\d+, family=1,:ResourceWarning"),
    # Gradio's queue statistics, with pandas 3: not this project's to fix.
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
BOUND = 30.0  # seconds: how long anything may take before the test fails rather than hangs
LONG_QUESTION = "word " * 600  # 1200 tokens 50 ms apart from slow_tokens: a minute of answer
T = TypeVar("T")


def _wait_for(check: Callable[[], T], what: str) -> T:
    deadline = time.monotonic() + BOUND
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {BOUND} s")
        time.sleep(0.1)


def _runs_going(client: Client) -> dict[str, str]:
    """``{run_id: thread_id}`` of the pending or running ``slow_tokens`` runs on the server."""
    found: dict[str, str] = {}
    for thread in client.threads.search(status="busy", metadata={"graph_id": "slow_tokens"}, limit=1000):
        try:
            runs = client.runs.list(thread["thread_id"], limit=100)
        except Exception:  # the run ended since the search, and its temporary thread went with it
            continue
        found.update({run["run_id"]: thread["thread_id"] for run in runs if run["status"] in ("pending", "running")})
    return found


def _running_runs(client: Client) -> set[str]:
    """The IDs of the pending or running ``slow_tokens`` runs on the server."""
    return set(_runs_going(client))


def _chromium() -> Any:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")


def _address(server: LocalServer) -> str:
    """The LangGraph server's ``host:port``, which no page may show."""
    return server.url.split("//", 1)[1].rstrip("/")


def _keep_screenshot(shot: Path) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(shot, ROOT / "docs" / "img" / shot.name)


# -- Streamlit: AppTest -------------------------------------------------------------------------


def _app(monkeypatch: pytest.MonkeyPatch, url: str, assistant: str) -> AppTest:
    monkeypatch.setenv("LANGGRAPH_URL", url)
    monkeypatch.setenv("LANGGRAPH_ASSISTANT", assistant)
    app = AppTest.from_file(str(EXAMPLES / "streamlit_app.py"), default_timeout=BOUND)
    app.run()
    assert not app.exception
    return app


def test_streamlit_shows_the_answer_and_keeps_the_conversation(server: LocalServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(monkeypatch, server.url, "tokens")
    app.chat_input[0].set_value("Hello! My name is Bagatur.").run()
    assert not app.exception and not app.error
    assert [message.name for message in app.chat_message] == ["user", "assistant"]
    assert app.chat_message[1].markdown[0].value == "Hello Bagatur! Nice to meet you."

    app.chat_input[0].set_value("And again?").run()  # a second run, given the whole conversation
    assert [message.name for message in app.chat_message] == ["user", "assistant", "user", "assistant"]
    assert [message["content"] for message in app.session_state.messages] == [
        "Hello! My name is Bagatur.", "Hello Bagatur! Nice to meet you.", "And again?",
        "Hello Bagatur! Nice to meet you."]


def test_streamlit_sends_the_whole_conversation(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(monkeypatch, server.url, "slow_tokens")  # echoes the last message
    app.chat_input[0].set_value("one two").run()
    app.session_state.messages[0]["content"] = "changed"  # what the next run is sent, not what was shown
    app.chat_input[0].set_value("three").run()
    assert app.chat_message[3].markdown[0].value == "three"
    assert [message["content"] for message in app.session_state.messages] == ["changed", "one two", "three", "three"]


def test_streamlit_makes_one_client_for_every_session_and_rerun(server: LocalServer,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import stateless_client

    made: list[Client] = []
    real = stateless_client.get_client
    monkeypatch.setattr(stateless_client, "get_client", lambda **kwargs: made.append(real(**kwargs)) or made[-1])
    url = server.url + "/"  # a URL of its own: st.cache_resource has not seen it in another test
    try:
        for _ in range(2):  # two sessions (browser tabs), each with two questions
            app = _app(monkeypatch, url, "tokens")
            app.chat_input[0].set_value("one").run()
            app.chat_input[0].set_value("two").run()
            assert len(app.session_state.messages) == 4
    finally:
        for client in made:
            client.close()
    assert len(made) == 1


@pytest.mark.parametrize("upstream", ["run fails", "server unreachable"])
def test_streamlit_shows_a_safe_message_when_the_run_fails(server: LocalServer, monkeypatch: pytest.MonkeyPatch,
                                                           upstream: str) -> None:
    url, assistant, kind = {
        "run fails": (server.url, "error", "RunError"),
        "server unreachable": (f"http://127.0.0.1:{free_port()}", "tokens", "APIConnectionError"),
    }[upstream]
    app = _app(monkeypatch, url, assistant)
    app.chat_input[0].set_value("Hello!").run()
    assert not app.exception  # no traceback on the page
    [error] = app.error
    assert error.value == f"The assistant could not answer ({kind}). Please try again."
    page = str(app._tree)
    assert url not in page and "127.0.0.1" not in page
    assert [message["role"] for message in app.session_state.messages] == ["user"]  # no answer kept


# -- Streamlit: streamlit run, in Chromium ------------------------------------------------------


@pytest.fixture(scope="module")
def streamlit_url(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run examples/streamlit_app.py`` on a free loopback port, headless."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "LANGGRAPH_URL": server.url, "LANGGRAPH_ASSISTANT": "slow_tokens"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "streamlit"), "run", str(EXAMPLES / "streamlit_app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(url + "/_stcore/health") or process.poll() is not None, "streamlit serving")
        assert process.poll() is None, log.read_text()
        yield url
    finally:
        stop_process(process, BOUND)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False




_WATCH_STREAMLIT = """
window.answers = [];
new MutationObserver(() => {
  const messages = document.querySelectorAll('[data-testid="stChatMessageContent"]');
  if (messages.length > 1) window.answers.push(messages[messages.length - 1].innerText.trim());
}).observe(document.body, {childList: true, characterData: true, subtree: true});
"""


def test_streamlit_in_a_browser_streams_the_answer(streamlit_url: str, server: LocalServer, tmp_path: Path) -> None:
    sync_api = _chromium()
    question = "Hello! Tell me about streaming, token by token."
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 760, "height": 460})
            page.goto(streamlit_url)
            box = page.get_by_placeholder("Ask something")
            box.wait_for(timeout=BOUND * 1000)
            page.evaluate(_WATCH_STREAMLIT)
            box.fill(question)
            box.press("Enter")
            messages = page.locator('[data-testid="stChatMessageContent"]')
            sync_api.expect(messages).to_have_count(2, timeout=BOUND * 1000)
            sync_api.expect(messages.nth(1)).to_have_text(question, timeout=BOUND * 1000)
            answers = page.evaluate("window.answers")
            # The script has ended: the status widget's "Stop" is gone.
            sync_api.expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=BOUND * 1000)
            page.screenshot(path=str(tmp_path / "streamlit.png"))
            assert _address(server) not in page.content()
        finally:
            browser.close()
    growing = [answer for answer in dict.fromkeys(answers) if answer]
    assert len(growing) >= 3, growing  # shown as it streamed, not only at the end
    assert all(question.startswith(shown) for shown in growing)
    _keep_screenshot(tmp_path / "streamlit.png")


def test_streamlit_closing_the_tab_cancels_the_run(streamlit_url: str, client: Client) -> None:
    sync_api = _chromium()
    before = _running_runs(client)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.goto(streamlit_url)
            box = page.get_by_placeholder("Ask something")
            box.wait_for(timeout=BOUND * 1000)
            box.fill(LONG_QUESTION)
            box.press("Enter")
            sync_api.expect(page.locator('[data-testid="stChatMessageContent"]')).to_have_count(2, timeout=BOUND * 1000)
            going = _wait_for(lambda: _running_runs(client) - before, "the run going on the server")
            page.close()
        finally:
            browser.close()
    # A minute of tokens was left: a run that stops within seconds was cancelled.
    _wait_for(lambda: not (going & _running_runs(client)), "the run cancelled after the tab closed")


def test_streamlit_a_new_question_mid_answer_cancels_the_first_run(streamlit_url: str, client: Client) -> None:
    sync_api = _chromium()
    before = _running_runs(client)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.goto(streamlit_url)
            box = page.get_by_placeholder("Ask something")
            box.wait_for(timeout=BOUND * 1000)
            box.fill(LONG_QUESTION)
            box.press("Enter")
            first = _wait_for(lambda: _running_runs(client) - before, "the first run going on the server")
            box.fill("second question")
            box.press("Enter")
            messages = page.locator('[data-testid="stChatMessageContent"]')
            sync_api.expect(messages.last).to_have_text("second question", timeout=BOUND * 1000)
            _wait_for(lambda: not (first & _running_runs(client)), "the first run cancelled by the rerun")
        finally:
            browser.close()


# -- Gradio -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gradio_app(server: LocalServer) -> Iterator[tuple[ModuleType, str]]:
    """``examples/gradio_app.py`` imported with the test server's URL and launched on a free
    loopback port in this process; ``(module, url)``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANGGRAPH_URL", server.url)
        patch.setenv("LANGGRAPH_ASSISTANT", "slow_tokens")
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        spec = importlib.util.spec_from_file_location("gradio_app", EXAMPLES / "gradio_app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    assert module.ASSISTANT_ID == "slow_tokens"
    module.demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield module, module.demo.local_url.rstrip("/")
    finally:
        module.demo.close()
        module.client.close()
        gc.collect()  # Gradio's event loops, collected here, under this module's warning filters


@pytest.fixture
def gradio(gradio_app: tuple[ModuleType, str]) -> Iterator[Any]:
    """A ``gradio_client.Client`` of the app."""
    from gradio_client import Client as GradioClient

    made = GradioClient(gradio_app[1], verbose=False)
    try:
        yield made
    finally:
        made.close()


def test_gradio_streams_the_reply(gradio: Any) -> None:
    question = "Hello! Tell me about streaming, token by token."
    job = gradio.submit(question, api_name="/chat")
    partial: list[str] = []
    for output in job:  # each yield of the app's generator, as it arrives
        partial.append(output)
    assert job.outputs()[-1] == question
    shown = list(dict.fromkeys(partial))
    assert len(shown) >= 3, shown  # partial results before the end
    assert all(question.startswith(text) for text in shown)
    assert shown == sorted(shown, key=len)


def test_gradio_sends_the_conversation(gradio_app: tuple[ModuleType, str], langgraph_mock: LangGraphMock) -> None:
    """The history as Gradio hands it over (content as a string or a list of parts), then the
    question: the run's input; the app's client pointed at ``langgraph_mock`` for this test."""
    module, _ = gradio_app
    langgraph_mock.patch(module.client)
    langgraph_mock.stream(tokens("Fine", ", thanks."))
    # As Gradio 6's page sends it (seen in Chromium): content as a list of parts; a string too.
    history = [{"role": "user", "metadata": None, "content": [{"text": "one", "type": "text"}], "options": None},
               {"role": "assistant", "metadata": None, "content": "two", "options": None}]
    assert list(module.respond("three", history)) == ["Fine", "Fine, thanks."]
    [run] = langgraph_mock.runs
    assert (run.thread_id, run.assistant_id, run.stream_mode) == (None, "slow_tokens", "messages-tuple")
    assert run.input == {"messages": [{"role": "user", "content": "one"}, {"role": "assistant", "content": "two"},
                                      {"role": "user", "content": "three"}]}


def test_gradio_cancelling_the_job_cancels_the_run(gradio: Any, client: Client) -> None:
    before = _running_runs(client)
    job = gradio.submit(LONG_QUESTION, api_name="/chat")
    going = _wait_for(lambda: _running_runs(client) - before, "the run going on the server")
    _wait_for(lambda: job.outputs(), "the first tokens")
    job.cancel()  # what the Stop button does
    _wait_for(lambda: not (going & _running_runs(client)), "the run cancelled after the job was")


def test_gradio_streams_answers_to_several_users_at_once(gradio: Any, client: Client) -> None:
    before = _running_runs(client)
    for _ in range(3):
        gradio.submit(LONG_QUESTION, api_name="/chat")
    try:
        # Gradio's default concurrency_limit of 1 would run one and queue the others.
        _wait_for(lambda: len(_running_runs(client) - before) == 3, "three runs at once")
    finally:
        # Stopped on the server: Gradio's /cancel waits for each answer's next token, and on a
        # loaded machine gradio_client's 5 s timeout for it can run out.
        for run_id, thread_id in _runs_going(client).items():
            if run_id not in before:
                client.runs.cancel(thread_id, run_id)
    _wait_for(lambda: not (_running_runs(client) - before), "the runs cancelled")


def test_gradio_shows_a_safe_message_when_the_run_fails(gradio_app: tuple[ModuleType, str], gradio: Any,
                                                        server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client.exceptions import AppError

    monkeypatch.setattr(gradio_app[0], "ASSISTANT_ID", "error")
    with pytest.raises(AppError) as raised:
        gradio.predict("Hello!", api_name="/chat")
    assert str(raised.value) == "The assistant could not answer (RunError). Please try again."


def test_gradio_in_a_browser_streams_the_answer(gradio_app: tuple[ModuleType, str], client: Client,
                                                server: LocalServer, tmp_path: Path) -> None:
    sync_api = _chromium()
    question = "Hello! Tell me about streaming, token by token."
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 760, "height": 600})
            page.goto(gradio_app[1])
            box = page.get_by_role("textbox")
            box.wait_for(timeout=BOUND * 1000)
            box.fill(question)
            box.press("Enter")
            bot = page.locator('[data-testid="bot"]')
            sync_api.expect(bot.last).to_have_text(question, timeout=BOUND * 1000)
            # The event has ended for the page too (Stop turned back into Send): a question sent
            # before that may ride on the event stream the server is about to close, and then
            # nothing would notice the page leave.
            sync_api.expect(page.locator("button.submit-button")).to_be_visible(timeout=BOUND * 1000)
            page.screenshot(path=str(tmp_path / "gradio.png"))
            assert _address(server) not in page.content()

            before = _running_runs(client)
            box.fill(LONG_QUESTION)
            box.press("Enter")
            going = _wait_for(lambda: _running_runs(client) - before, "the run going on the server")
            sync_api.expect(page.locator("button.stop-button")).to_be_visible(timeout=BOUND * 1000)
            page.close()  # the browser leaves mid-answer
        finally:
            browser.close()
    _wait_for(lambda: not (going & _running_runs(client)), "the run cancelled after the page closed")
    _keep_screenshot(tmp_path / "gradio.png")
