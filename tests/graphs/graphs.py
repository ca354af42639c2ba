"""Graphs the integration tests run on a real ``langgraph dev`` server.

None needs a language model: plain nodes, ``interrupt(...)``, ``get_stream_writer()`` and
``langchain_core``'s ``GenericFakeChatModel`` for real token-by-token streaming.
"""

from __future__ import annotations

import asyncio
import operator
import os
import time
import uuid
from typing import Annotated, Any, Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import interrupt
from typing_extensions import TypedDict


def _last_text(state: MessagesState) -> str:
    messages = state["messages"]
    return str(messages[-1].content) if messages else ""


def _echo(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="echo: " + _last_text(state))]}


def _explode(state: MessagesState) -> dict[str, Any]:
    raise ValueError("node exploded")


def _ask(state: MessagesState) -> dict[str, Any]:
    answer = interrupt({"question": "approve?"})
    return {"messages": [AIMessage(content=f"answer: {answer}")]}


class SlowState(TypedDict, total=False):
    n: int
    delay: float
    out: list[int]


async def _slow(state: SlowState) -> dict[str, Any]:
    # Async, so that a cancelled run stops at once: a sync node's thread would go on to its
    # end (a minute for tests/leaving.py's runs), holding one of the server's workers.
    write = get_stream_writer()
    done = []
    for i in range(state.get("n", 3)):
        await asyncio.sleep(state.get("delay", 0.05))
        write({"i": i, "t": time.time()})
        done.append(i)
    return {"out": done}


class BigState(TypedDict, total=False):
    size: int
    blob: str


def _big(state: BigState) -> dict[str, Any]:
    return {"blob": "x" * state.get("size", 1024)}


def _child_node(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="from child")]}


def _chat(state: MessagesState) -> dict[str, Any]:
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Hello Bagatur! Nice to meet you.")]))
    return {"messages": [model.invoke(state["messages"])]}


def _single_node(name: str, node: Any, state: type = MessagesState) -> Any:
    builder = StateGraph(state)
    builder.add_node(name, node)
    builder.add_edge(START, name)
    builder.add_edge(name, END)
    return builder.compile()


agent = _single_node("agent", _echo)
error = _single_node("explode", _explode)
interrupting = _single_node("ask", _ask)
slow = _single_node("slow", _slow, SlowState)
big = _single_node("big", _big, BigState)
tokens = _single_node("chat", _chat)

_child = _single_node("child_node", _child_node)
subgraph = _single_node("child", _child)


# --- For tests/test_web_examples.py: web apps relaying a run to a browser (examples/).


class _SlowEchoModel(GenericFakeChatModel):
    """A fake chat model that streams its answer one token (word or space) at a time, 50 ms apart.

    With a gate directory it waits instead: token ``i + 1`` is produced only once the file
    ``<gate>/<i>`` exists, which the test creates after it has received token ``i`` -- so the
    test knows, without measuring time, that each token reached it before the next was made.
    """

    gate: str | None = None

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        sent = 0
        for chunk in super()._stream(*args, **kwargs):
            if chunk.message.content:
                if self.gate is None:
                    time.sleep(0.05)
                elif sent:
                    _wait_for(os.path.join(self.gate, str(sent - 1)))
                sent += 1
            yield chunk


def _wait_for(path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)


def _slow_echo(state: MessagesState) -> dict[str, Any]:
    """Answer with the user's text, token by token; ``"gate:<dir> text"`` sets a gate (above)."""
    text, gate = _last_text(state), None
    if text.startswith("gate:"):
        gate, _, text = text[len("gate:"):].partition(" ")
    model = _SlowEchoModel(messages=iter([AIMessage(content=text)]), gate=gate)
    return {"messages": [model.invoke(state["messages"])]}


QUIET_SECONDS = 12.0  # well over langgraph dev's 5 s heartbeat interval


def _quiet_start(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Let me think.")]}


def _quiet_think(state: MessagesState) -> dict[str, Any]:
    time.sleep(QUIET_SECONDS)  # no event at all meanwhile, only the server's heartbeats
    return {"messages": [AIMessage(content=" Done.")]}


slow_tokens = _single_node("chat", _slow_echo)
quiet = (
    StateGraph(MessagesState)
    .add_node("start", _quiet_start)
    .add_node("think", _quiet_think)
    .add_edge(START, "start")
    .add_edge("start", "think")
    .add_edge("think", END)
    .compile()
)


# --- The official docs' example graphs, for docs/porting-examples.md (tests/test_sdk_examples.py).
# Each stands in for the deployment a docs page talks to; none needs a language model.


class JokeState(TypedDict):
    topic: str
    joke: str


def _refine_topic(state: JokeState) -> dict[str, Any]:
    return {"topic": state["topic"] + " and cats"}


def _generate_joke(state: JokeState) -> dict[str, Any]:
    return {"joke": f"This is a joke about {state['topic']}"}


# The Streaming API page's "Example graph" (stream modes updates, values, debug, events).
joke = (
    StateGraph(JokeState)
    .add_node("refine_topic", _refine_topic)
    .add_node("generate_joke", _generate_joke)
    .add_edge(START, "refine_topic")
    .add_edge("refine_topic", "generate_joke")
    .add_edge("generate_joke", END)
    .compile()
)


class FooSubgraphState(TypedDict):
    foo: str
    bar: str


class FooParentState(TypedDict):
    foo: str


def _subgraph_node_1(state: FooSubgraphState) -> dict[str, Any]:
    return {"bar": "bar"}


def _subgraph_node_2(state: FooSubgraphState) -> dict[str, Any]:
    return {"foo": state["foo"] + state["bar"]}


def _node_1(state: FooParentState) -> dict[str, Any]:
    return {"foo": "hi! " + state["foo"]}


_foo_child = (
    StateGraph(FooSubgraphState)
    .add_node("subgraph_node_1", _subgraph_node_1)
    .add_node("subgraph_node_2", _subgraph_node_2)
    .add_edge(START, "subgraph_node_1")
    .add_edge("subgraph_node_1", "subgraph_node_2")
    .compile()
)
# The Streaming API page's "Extended example: streaming from subgraphs".
foo_subgraphs = (
    StateGraph(FooParentState)
    .add_node("node_1", _node_1)
    .add_node("node_2", _foo_child)
    .add_edge(START, "node_1")
    .add_edge("node_1", "node_2")
    .compile()
)


class TopicState(TypedDict, total=False):
    topic: str
    joke: str


def _call_model(state: TopicState) -> dict[str, Any]:
    """The LLM tokens example's node, with a fake model that streams its answer word by word."""
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Why did the ice cream melt? It was too cool.")]))
    response = model.invoke([{"role": "user", "content": f"Generate a joke about {state['topic']}"}])
    return {"joke": response.content}


# The Streaming API page's "LLM tokens" example graph (stream mode messages-tuple).
joke_llm = _single_node("call_model", _call_model, TopicState)


class QueryState(TypedDict, total=False):
    query: str
    answer: str


def _custom_node(state: QueryState) -> dict[str, Any]:
    write = get_stream_writer()
    write({"custom_key": "Generating custom data inside node"})
    return {"answer": "some data"}


# Stream mode custom (and ["updates", "custom"]): the node writes custom data, then updates state.
custom_data = _single_node("node", _custom_node, QueryState)

# The docs' "agent" for background runs, cancelling and double-texting: a model step that
# calls a search tool, the (slow) tool, then a model step that answers from the tool's result.
# A run takes about 2.5 s, so that "sleep 2 s, then double-text" still finds it running.
SEARCH_SECONDS = 2.0
MODEL_SECONDS = 0.25


@tool
def search(query: str) -> str:
    """Look up the weather (a canned answer, after a delay)."""
    time.sleep(SEARCH_SECONDS)
    return f"It's 60 degrees and foggy ({query})."


def _weather_model(state: MessagesState) -> dict[str, Any]:
    time.sleep(MODEL_SECONDS)
    last = state["messages"][-1]
    if isinstance(last, ToolMessage):
        text = f"The search results say: {last.content}"
        return {"messages": [AIMessage(content=[{"type": "text", "text": text, "index": 0}])]}
    place = str(last.content).rstrip("?").rsplit(" ", 1)[-1]
    call = {"name": "search", "args": {"query": f"weather in {place}"}, "id": f"call_{uuid.uuid4().hex[:12]}"}
    return {"messages": [AIMessage(content="", tool_calls=[call])]}


weather_agent = (
    StateGraph(MessagesState)
    .add_node("agent", _weather_model)
    .add_node("tools", ToolNode([search]))
    .add_edge(START, "agent")
    .add_conditional_edges("agent", tools_condition)
    .add_edge("tools", "agent")
    .compile()
)


class TextState(TypedDict):
    some_text: str


def _human_node(state: TextState) -> dict[str, Any]:
    value = interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value}


# The human-in-the-loop page's "Extended example: using interrupt".
revise_text = _single_node("human_node", _human_node, TextState)


class StepsState(TypedDict, total=False):
    steps: Annotated[list[str], operator.add]


def _step(name: str) -> Any:
    def node(state: StepsState) -> dict[str, Any]:
        return {"steps": [name]}

    return node


# The human-in-the-loop page's static interrupts, set at compile time as the page shows.
breakpoints = (
    StateGraph(StepsState)
    .add_node("node_a", _step("node_a"))
    .add_node("node_b", _step("node_b"))
    .add_node("node_c", _step("node_c"))
    .add_edge(START, "node_a")
    .add_edge("node_a", "node_b")
    .add_edge("node_b", "node_c")
    .add_edge("node_c", END)
    .compile(interrupt_before=["node_a"], interrupt_after=["node_b", "node_c"])
)
