"""The official docs' SDK examples, ported as ``docs/porting-examples.md`` shows, run on the real server.

Each python block of that page runs twice: with this package, as written, and with the official
SDK's sync client (``from langgraph_sdk import get_sync_client as get_client``, and ``httpx``'s
error class where a block catches ours). Blocks under one ``##`` heading share one namespace and
run in order, as on a docs page; a block whose predecessor raised is reported as not run.

A block passes when it runs and what it printed or left behind is right: the ``text`` block after
it, if any, is its expected output (``...`` matches anything), and ``CHECKS`` below holds the rest.
Every block must pass with the official SDK: that is what makes the page a fair test of ours.

Each flavour's blocks make their own threads and runs, so the flavours take turns block by block.
The store's examples all use one fixed item, so under their heading one flavour runs every block
before the other starts: each then finds the item as its own blocks left it.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from stateless_client._dev.local_server import LocalServer

PAGE = Path(__file__).parent.parent / "docs" / "porting-examples.md"
_PARTS = re.compile(
    r"^## (?P<heading>[^\n]+)$"
    r"|^From (?P<source>\[[^\n]*?\]\([^)\n]+\))"
    r"|^```(?P<kind>python|text)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
# The official SDK's spelling of what the page spells in this package's terms.
_TO_SDK = [
    (re.compile(r"^from stateless_client import get_client$", re.MULTILINE),
     "from langgraph_sdk import get_sync_client as get_client"),
    (re.compile(r"^import stateless_client\b.*$", re.MULTILINE), "import httpx"),
    (re.compile(r"\bstateless_client\.APIStatusError\b"), "httpx.HTTPStatusError"),
]
_OUTPUT = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    number: int  # 1-based, in page order
    section: str  # the ``##`` heading it is under
    source: str  # the docs page it was ported from, as the page links it
    code: str
    expected: str | None  # the ``text`` block right after it

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")
        return f"b{self.number:02d}-{slug}"

    def code_for(self, flavour: str) -> str:
        if flavour == "ours":
            return self.code
        code = self.code
        for pattern, replacement in _TO_SDK:
            code = pattern.sub(replacement, code)
        assert "stateless_client" not in code, code
        return code


def parse(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    section = source = ""
    previous_kind = None
    for match in _PARTS.finditer(markdown):
        if match["heading"]:
            section, source, previous_kind = match["heading"], "", None
        elif match["source"]:
            source = match["source"]
        elif match["kind"] == "python":
            assert section and source, f"a python block without a heading or a source line: {match['body'][:80]}"
            blocks.append(Block(len(blocks) + 1, section, source, match["body"], None))
            source = ""
        elif previous_kind == "python":  # a text block right after a python block: its output
            last = blocks[-1]
            blocks[-1] = Block(last.number, last.section, last.source, last.code, match["body"])
        if match["kind"]:
            previous_kind = match["kind"]
    return blocks


BLOCKS = parse(PAGE.read_text())


# --- Checks beyond the printed output, by block number. Each gets the block's namespace, what it
# printed, and ``api``: plain HTTP to the server, so a check never trusts the client under test.


class Api:
    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str) -> Any:
        response = requests.get(self.url + path, timeout=30)
        response.raise_for_status()
        return response.json()

    def run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.get(f"/threads/{thread_id}/runs/{run_id}"))

    def run_status(self, thread_id: str, run_id: str) -> int:
        return requests.get(f"{self.url}/threads/{thread_id}/runs/{run_id}", timeout=30).status_code

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = requests.post(self.url + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def state(self, thread_id: str) -> dict[str, Any]:
        return dict(self.get(f"/threads/{thread_id}/state"))

    def runs(self, thread_id: str) -> list[dict[str, Any]]:
        return list(self.get(f"/threads/{thread_id}/runs"))

    def assistant_id(self, graph_id: str) -> str:
        """The ID of the assistant the server made for the graph."""
        (assistant,) = self.post("/assistants/search", {"graph_id": graph_id, "metadata": {"created_by": "system"}})
        return str(assistant["assistant_id"])

    def crons(self, **filters: Any) -> list[dict[str, Any]]:
        """Every cron matching ``filters``, page by page."""
        found: list[dict[str, Any]] = []
        while True:
            page = self.post("/runs/crons/search", {**filters, "limit": 100, "offset": len(found)})
            found += page
            if len(page) < 100:
                return found

    def cron(self, cron_id: str) -> dict[str, Any] | None:
        return next((cron for cron in self.crons() if cron["cron_id"] == cron_id), None)

    def store_item(self, namespace: list[str], key: str) -> dict[str, Any] | None:
        """The item, or ``None``: the server answers a missing one with ``null``."""
        response = requests.get(f"{self.url}/store/items", params={"namespace": ".".join(namespace), "key": key},
                                timeout=30)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def search_store(self, namespace_prefix: list[str]) -> list[dict[str, Any]]:
        return list(self.post("/store/items/search", {"namespace_prefix": namespace_prefix, "limit": 100})["items"])


def _field(value: Any, name: str) -> Any:
    """``value[name]``, or the attribute: a check verifies results, the examples verify subscripting."""
    try:
        return value[name]
    except TypeError:
        return getattr(value, name)


Check = Callable[[dict[str, Any], str, Api], None]
CHECKS: dict[int, Check] = {}


def check(*numbers: int) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        for number in numbers:
            assert number not in CHECKS, number
            CHECKS[number] = function
        return function

    return register


def _thread_id(namespace: dict[str, Any]) -> str:
    return str(namespace["thread_id"] if "thread_id" in namespace else _field(namespace["thread"], "thread_id"))


@check(1, 8, 12, 14, 17, 26, 31, 34, 38, 41, 45)
def _a_client_of_the_server(namespace: dict[str, Any], printed: str, api: Api) -> None:
    """A setup block: a client, an assistant the server serves, and the thread it created, if any."""
    assert _client_like(namespace["client"])
    assert api.post("/assistants/search", {"graph_id": namespace["assistant_id"]}), namespace["assistant_id"]
    if "thread" in namespace:
        thread = api.get(f"/threads/{_thread_id(namespace)}")
        assert thread["status"] in {"idle", "busy"}
    if printed:  # "print(thread)", as the background runs page does
        assert f"'thread_id': '{_thread_id(namespace)}'" in printed and "'status': 'idle'" in printed, printed


@check(3)
def _stateless_wait(namespace: dict[str, Any], printed: str, api: Api) -> None:
    messages = namespace["stateless_run_result"]["messages"]
    assert [m["type"] for m in messages] == ["human", "ai"]
    assert messages[-1]["content"] == "echo: Hello! My name is Bagatur and I am 26 years old."
    assert printed.startswith("{'messages': [{'content': 'Hello! My name is Bagatur"), printed


@check(4)
def _basic_usage_ran_on_the_thread(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert api.state(namespace["thread_id"])["values"] == {"query": "example", "answer": "some data"}


@check(5)
def _multiple_modes(namespace: dict[str, Any], printed: str, api: Api) -> None:
    """``print(chunk)`` shows each part's mode and data, as the SDK's ``StreamPart`` tuple does."""
    assert "event='custom', data={'custom_key': 'Generating custom data inside node'}" in printed, printed
    assert "event='updates', data={'node': {'answer': 'some data'}}" in printed, printed
    assert namespace["chunk"].event == "updates"


@check(11)
def _subgraphs(namespace: dict[str, Any], printed: str, api: Api) -> None:
    from_the_subgraph = r"event='updates\|node_2:[0-9a-f-]+', data=\{'subgraph_node_2': \{'foo': 'hi! foobar'\}\}"
    assert re.search(from_the_subgraph, printed), printed
    assert "event='updates', data={'node_2': {'foo': 'hi! foobar'}}" in printed, printed
    assert api.state(namespace["thread_id"])["values"] == {"foo": "hi! foobar"}


@check(13)
def _tokens(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert printed.replace("|", "") == "Why did the ice cream melt? It was too cool.", printed
    assert printed.count("|") > 5, "one piece per token"
    assert namespace["metadata"]["langgraph_node"] == "call_model"


@check(15, 19)
def _run_created(namespace: dict[str, Any], printed: str, api: Api) -> None:
    run = api.run(_thread_id(namespace), _field(namespace["run"], "run_id"))
    assert run["status"] in {"pending", "running"} and run["kwargs"]["input"] == namespace["input"]


@check(16)
def _joined_the_run(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert "event='values'" in printed, printed
    assert "The search results say: It's 60 degrees and foggy (weather in sf)." in printed, printed
    assert api.run(namespace["thread_id"], namespace["run_id"])["status"] == "success"


@check(20)
def _first_poll(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert f"'run_id': '{_field(namespace['run'], 'run_id')}'" in printed, printed
    assert re.search(r"'status': '(pending|running)'", printed), printed


@check(21)
def _joined(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert "'status': 'success'" in printed, printed
    assert api.run(_thread_id(namespace), _field(namespace["run"], "run_id"))["status"] == "success"


@check(22)
def _final_state(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert printed.startswith("{'values': {'messages': [{'content': \"what's the weather in sf\""), printed
    assert "'next': []" in printed
    assert [m["type"] for m in namespace["final_result"]["values"]["messages"]] == ["human", "ai", "tool", "ai"]


@check(24)
def _resumed(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert namespace["result"]["__interrupt__"][0]["value"] == {"text_to_revise": "original text"}
    assert api.state(namespace["thread_id"])["values"] == {"some_text": "Edited text"}


@check(25)
def _static_breakpoints(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert namespace["result"] == {"steps": ["start"]}  # stopped before node_a
    state = api.state(namespace["thread_id"])
    assert state["values"] == {"steps": ["start", "node_a", "node_b"]} and state["next"] == ["node_c"]


@check(27)
def _rolled_back(namespace: dict[str, Any], printed: str, api: Api) -> None:
    """The run was cancelled; ``langgraph dev`` deletes it only if it was already running."""
    thread_id, run_id = _thread_id(namespace), _field(namespace["run"], "run_id")
    if api.run_status(thread_id, run_id) == 404:
        assert printed == "Run was correctly deleted\n", printed
    else:
        assert api.run(thread_id, run_id)["status"] == "interrupted" and printed == "", printed


@check(28)
def _cancelled(namespace: dict[str, Any], printed: str, api: Api) -> None:
    first, second = printed.splitlines()
    assert first in {"pending", "running", "interrupted"} and second == "interrupted", printed
    assert api.run(_thread_id(namespace), _field(namespace["run"], "run_id"))["status"] == "interrupted"


@check(29)
def _cancelled_many(namespace: dict[str, Any], printed: str, api: Api) -> None:
    ids = {str(_field(namespace[name], "run_id")) for name in ("run1", "run2")}
    assert sorted(printed.splitlines()) == sorted(f"{run_id} interrupted" for run_id in ids), printed


@check(30)
def _wait_and_stream(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert namespace["result"]["messages"][-1]["content"][0]["text"].startswith("The search results say:")
    assert "event='metadata', data={'run_id': '" in printed, printed
    assert printed.count("event='values'") >= 4, printed
    assert [run["status"] for run in api.runs(_thread_id(namespace))].count("success") == 2


@check(32)
def _rejected(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert printed.startswith("Failed to start concurrent run "), printed
    assert len(api.runs(_thread_id(namespace))) == 1, "the second run was not created"


def _conversation(printed: str) -> list[str]:
    """What ``pretty_print`` printed: the human questions and the final answers, in order."""
    return [line for line in printed.splitlines() if line.startswith(("what's the weather", "[{'type': 'text'"))]


@check(33)
def _reject_results(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert "Human Message" in printed and "Tool Message" in printed
    answer = "The search results say: It's 60 degrees and foggy (weather in sf)."
    final = f"[{{'type': 'text', 'text': {answer!r}, 'index': 0}}]"
    assert _conversation(printed) == ["what's the weather in sf?", final], printed


@check(35)
def _interrupt_strategy(namespace: dict[str, Any], printed: str, api: Api) -> None:
    thread_id = _thread_id(namespace)
    assert api.run(thread_id, _field(namespace["interrupted_run"], "run_id"))["status"] == "interrupted"
    second = api.run(thread_id, _field(namespace["run"], "run_id"))
    assert second["status"] == "success" and second["multitask_strategy"] == "interrupt"


@check(36)
def _interrupt_results(namespace: dict[str, Any], printed: str, api: Api) -> None:
    questions = [line for line in _conversation(printed) if line.startswith("what's")]
    assert questions == ["what's the weather in sf?", "what's the weather in nyc?"], printed
    assert "(weather in nyc)." in printed, printed
    assert "say: It's 60 degrees and foggy (weather in sf)" not in printed, "the first run was interrupted"


@check(39)
def _enqueued(namespace: dict[str, Any], printed: str, api: Api) -> None:
    second = api.run(_thread_id(namespace), _field(namespace["second_run"], "run_id"))
    assert second["multitask_strategy"] == "enqueue" and second["status"] in {"pending", "running"}


@check(40)
def _enqueue_results(namespace: dict[str, Any], printed: str, api: Api) -> None:
    answers = [line for line in _conversation(printed) if "search results" in line]
    assert _conversation(printed)[0] == "what's the weather in sf?" and len(answers) == 2, printed
    assert "(weather in sf)" in answers[0] and "(weather in nyc)" in answers[1]


@check(42)
def _rollback_strategy(namespace: dict[str, Any], printed: str, api: Api) -> None:
    thread_id = _thread_id(namespace)
    assert api.run_status(thread_id, _field(namespace["rolled_back_run"], "run_id")) == 404
    assert api.run(thread_id, _field(namespace["run"], "run_id"))["status"] == "success"


@check(43)
def _rollback_results(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert [line for line in _conversation(printed) if line.startswith("what's")] == ["what's the weather in nyc?"]
    assert "(weather in nyc)." in printed and "weather in sf" not in printed, printed


_WHAT_TIME = {"messages": [{"role": "user", "content": "What time is it?"}]}


def _scheduled(cron: dict[str, Any], api: Api, input: dict[str, Any]) -> None:
    """The page's cron: the "agent" graph's assistant, daily at 15:27 UTC, with the page's input."""
    assert cron["assistant_id"] == api.assistant_id("agent"), cron
    assert cron["schedule"] == "27 15 * * *" and cron["enabled"] is True, cron
    assert cron["payload"]["input"] == input, cron


@check(46)
def _cron_on_the_thread(namespace: dict[str, Any], printed: str, api: Api) -> None:
    (cron,) = api.crons(thread_id=_thread_id(namespace))
    assert cron["cron_id"] == str(_field(namespace["cron_job"], "cron_id"))
    _scheduled(cron, api, _WHAT_TIME)


@check(47)
def _cron_found(namespace: dict[str, Any], printed: str, api: Api) -> None:
    cron_id = str(_field(namespace["cron_job"], "cron_id"))
    assert [str(_field(cron, "cron_id")) for cron in namespace["cron_jobs"]] == [cron_id]
    assert printed.startswith(f"[{{'cron_id': '{cron_id}', ") and printed.endswith("}]\n"), printed
    assert f"'thread_id': '{_thread_id(namespace)}'" in printed, printed


@check(48)
def _thread_cron_deleted(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert api.crons(thread_id=_thread_id(namespace)) == []
    assert api.cron(str(_field(namespace["cron_job"], "cron_id"))) is None


@check(49)
def _stateless_cron(namespace: dict[str, Any], printed: str, api: Api) -> None:
    cron = api.cron(str(_field(namespace["cron_job_stateless"], "cron_id")))
    assert cron is not None and cron["thread_id"] is None, cron
    assert cron["on_run_completed"] == "delete", "the server's default: a new thread per run, deleted after it"
    _scheduled(cron, api, _WHAT_TIME)


@check(50)
def _stateless_cron_deleted(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert api.cron(str(_field(namespace["cron_job_stateless"], "cron_id"))) is None


@check(51)
def _cron_keeping_threads(namespace: dict[str, Any], printed: str, api: Api) -> None:
    cron = api.cron(str(_field(namespace["cron_job"], "cron_id")))
    assert cron is not None and cron["thread_id"] is None and cron["on_run_completed"] == "keep", cron
    _scheduled(cron, api, {"messages": [{"role": "user", "content": "Daily report"}]})


@check(52)
def _kept_cron_deleted(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert api.cron(str(_field(namespace["cron_job"], "cron_id"))) is None


_DOCUMENT = {"title": "My Document", "content": "Hello World"}


@check(53)
def _item_stored(namespace: dict[str, Any], printed: str, api: Api) -> None:
    item = api.store_item(["documents", "user123"], "item456")
    assert item is not None and item["value"] == _DOCUMENT, item


@check(55)
def _filtered_out(namespace: dict[str, Any], printed: str, api: Api) -> None:
    """Nothing matched because of the filter: without it, the prefix finds the stored item."""
    assert [item["key"] for item in api.search_store(["documents"])] == ["item456"]
    assert namespace["items"] == {"items": []}


@check(57)
def _item_deleted(namespace: dict[str, Any], printed: str, api: Api) -> None:
    assert api.store_item(["documents", "user123"], "item456") is None
    assert api.search_store(["documents"]) == []


# --- Running the blocks: one namespace per (section, flavour), shared by the tests in order.


@dataclass
class _Page:
    namespace: dict[str, Any]
    done: int = 0  # how many of the section's blocks ran
    broken: str | None = None  # the block that raised, and how
    clients: list[Any] = field(default_factory=list)


_PAGES: dict[tuple[str, str], _Page] = {}


def _client_like(value: Any) -> bool:
    return type(value).__name__ in {"Client", "SyncLangGraphClient"} and callable(getattr(value, "close", None))


def _execute(block: Block, flavour: str, page: _Page) -> str:
    """Run the block in its page's namespace; return what it printed."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code_for(flavour), f"<{block.id}>", "exec"), page.namespace)
    finally:
        page.done += 1
        for value in list(page.namespace.values()):
            if _client_like(value) and all(value is not seen for seen in page.clients):
                page.clients.append(value)
    return printed.getvalue()


def _describe(block: Block, flavour: str, exc: Exception) -> str:
    """The exception, and the line of the example that raised it."""
    lines = block.code_for(flavour).splitlines()
    where = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == f"<{block.id}>"]
    line = f"line {where[-1]}: {lines[where[-1] - 1].strip()}" if where and where[-1] else "?"
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{block.id} ({flavour}) raised at {line}\n{message}"


@pytest.fixture(scope="module")
def pages() -> Iterator[dict[tuple[str, str], _Page]]:
    yield _PAGES
    for page in _PAGES.values():
        for client in page.clients:
            client.close()
    _PAGES.clear()


FLAVOURS = ("sdk", "ours")
# Sections whose examples name fixed things on the shared server: one flavour at a time (see above).
_ONE_FLAVOUR_AT_A_TIME = {"Store"}


def _in_order(blocks: list[Block]) -> list[tuple[Block, str]]:
    """Each block with each flavour: in turns, or flavour by flavour in the sections above."""
    runs: list[tuple[Block, str]] = []
    for section in dict.fromkeys(block.section for block in blocks):
        of_section = [block for block in blocks if block.section == section]
        if section in _ONE_FLAVOUR_AT_A_TIME:
            runs += [(block, flavour) for flavour in FLAVOURS for block in of_section]
        else:
            runs += [(block, flavour) for block in of_section for flavour in FLAVOURS]
    return runs


RUNS = _in_order(BLOCKS)
assert {block.section for block in BLOCKS} >= _ONE_FLAVOUR_AT_A_TIME


@pytest.mark.parametrize(("block", "flavour"), RUNS, ids=[f"{block.id}-{flavour}" for block, flavour in RUNS])
def test_example(block: Block, flavour: str, server: LocalServer, pages: dict[tuple[str, str], _Page]) -> None:
    key = (block.section, flavour)
    page = pages.setdefault(key, _Page({"DEPLOYMENT_URL": server.url, "API_KEY": None, "__name__": "__example__"}))
    earlier = [b for b in BLOCKS if b.section == block.section and b.number < block.number]
    for before in earlier[page.done:]:  # when run on their own (-k), first run the blocks before it
        if page.broken is None:
            try:
                _execute(before, flavour, page)
            except Exception as exc:
                page.broken = f"{before.id} raised {type(exc).__name__}: {exc}"
    if page.broken is not None:
        pytest.fail(f"not run: an earlier block of this section failed ({page.broken})", pytrace=False)
    assert page.done == len(earlier), "blocks of a section must run in page order"
    try:
        printed = _execute(block, flavour, page)
    except Exception as exc:
        page.broken = f"{block.id} raised {type(exc).__name__}: {exc}"
        failure = _describe(block, flavour, exc)
    else:
        failure = None
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    if block.expected is not None:
        assert _OUTPUT.check_output(block.expected, printed, _FLAGS), (
            f"the example printed:\n{printed}\nthe page says:\n{block.expected}"
        )
    if block.number in CHECKS:
        CHECKS[block.number](page.namespace, printed, Api(server.url))


def test_every_example_is_checked() -> None:
    """Each block has an expected output or a check, so "no exception" never passes on its own."""
    unchecked = [block.id for block in BLOCKS if block.expected is None and block.number not in CHECKS]
    assert not unchecked
    assert set(CHECKS) <= {block.number for block in BLOCKS}


def test_every_example_names_its_docs_page() -> None:
    """A LangSmith docs page, or the SDK reference's page of the method (its async client's)."""
    page = r"https://docs\.langchain\.com/langsmith/[\w-]+(#[\w-]+)?"
    reference = r"https://reference\.langchain\.com/python/langgraph-sdk/_async/\w+/\w+Client/\w+"
    for block in BLOCKS:
        assert re.search(rf"\]\(({page}|{reference})\)$", block.source), block.id
