"""The official SDK's integration graphs (``langgraph_sdk-0.4.14/integration/graph/``), for the
conformance ports of its integration tests (``tests/conformance/test_integration_*.py``).

``sdk_agent`` is its ``agent``: ``stream_message -> call_tool -> ask_human (interrupt) ->
run_subgraph``, every node adding a marker to ``items``, so a run that is resumed once ends with
``items == ["streamed", "tool", "asked", "sub"]``. ``sdk_factory_agent`` is its ``factory_agent``:
a graph factory (``config, runtime``), the one graph that drives the server's factory path.
Fixtures only: no language model (a fake chat model streams the words of a fixed text).
"""

from __future__ import annotations

import operator
import time
from typing import TYPE_CHECKING, Annotated, Any, AsyncIterator, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, StateGraph
from langgraph.graph.message import add_messages
from langgraph.store.base import BaseStore
from langgraph.stream.transformers import CustomTransformer, UpdatesTransformer
from langgraph.types import interrupt
from typing_extensions import TypedDict

if TYPE_CHECKING:  # the server classifies a factory by these annotations' names
    from langchain_core.runnables import RunnableConfig
    from langgraph_sdk.runtime import ServerRuntime


class _WordsChatModel(BaseChatModel):
    """Streams ``text`` word by word, the last chunk marked ``chunk_position="last"``."""

    text: str = "Hello, world!"
    message_id: str = "ai-msg-1"

    @property
    def _llm_type(self) -> str:
        return "words-fake-chat-model"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.text, id=self.message_id))])

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        words = self.text.split(" ")
        for i, word in enumerate(words):
            chunk = AIMessageChunk(content=word if i == 0 else " " + word, id=self.message_id)
            if i == len(words) - 1:
                chunk.chunk_position = "last"
            yield ChatGenerationChunk(message=chunk)

    async def _astream(self, messages: Any, stop: Any = None, run_manager: Any = None,
                       **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in self._stream(messages, stop=stop, **kwargs):
            yield chunk


_model = _WordsChatModel()
PAUSE_DELAY = 1.0  # seconds before ``ask_human`` pauses the run (see there)


class AgentState(TypedDict):
    messages: Annotated[list[BaseMessage], add_messages]
    value: str
    items: Annotated[list[str], operator.add]


@tool
def search(query: str) -> str:
    """Look up ``query`` in a fake search index."""
    return f"result for {query!r}"


def _progress(step: str, phase: str, **more: Any) -> None:
    get_stream_writer()({"name": "progress", "step": step, "phase": phase, **more})


async def stream_message(state: AgentState) -> dict[str, Any]:
    _progress("stream_message", "start")
    text: list[str] = []
    message_id = "ai-msg-1"
    # The v3 event stream drives the chat-model callbacks the v3 ``messages`` channel listens to.
    async for event in await _model.astream_events([], version="v3"):
        if event.get("event") == "content-block-delta":
            delta = event.get("delta") or {}
            if isinstance(delta, dict) and isinstance(delta.get("text"), str):
                text.append(delta["text"])
        elif event.get("event") == "message-start" and isinstance(event.get("id"), str):
            message_id = event["id"]
    _progress("stream_message", "end")
    return {"messages": [AIMessage(content="".join(text), id=message_id)], "value": "x", "items": ["streamed"]}


def call_tool(state: AgentState) -> dict[str, Any]:
    _progress("call_tool", "start")
    call = {"id": "tc-1", "name": "search", "args": {"query": "v3"}}
    asked = AIMessage(content="", id="ai-msg-2", tool_calls=[call])
    answered = ToolMessage(content=search.invoke({"query": "v3"}), tool_call_id="tc-1")
    _progress("call_tool", "end")
    return {"messages": [asked, answered], "items": ["tool"]}


def ask_human(state: AgentState) -> dict[str, Any]:
    _progress("ask_human", "start")
    # The SDK ends its projections when its lifecycle connection sees the pause; a run that
    # pauses before a projection's own connection has caught up leaves that projection short
    # (seen on langgraph dev: ``extensions["progress"]`` got 0 or 1 of the 5 events). The
    # SDK's graph runs a real model and is slow enough not to; this one waits instead.
    time.sleep(PAUSE_DELAY)
    answer = interrupt("Are we good?")
    _progress("ask_human", "end", answer=str(answer))
    return {"messages": [AIMessage(content=f"Human said: {answer}", id="ai-msg-3")], "items": ["asked"]}


class SubState(TypedDict):
    messages: Annotated[list[BaseMessage], add_messages]
    note: str


def sub_node(state: SubState) -> dict[str, Any]:
    _progress("sub_node", "start")
    message = AIMessage(content="from subgraph", id="sub-msg-1")
    _progress("sub_node", "end")
    return {"messages": [message], "note": "ran"}


_sub = StateGraph(SubState)
_sub.add_node("sub", sub_node)
_sub.set_entry_point("sub")
_sub.set_finish_point("sub")
_subgraph = _sub.compile()


def run_subgraph(state: AgentState) -> dict[str, Any]:
    _progress("run_subgraph", "start")
    done = _subgraph.invoke({"messages": [], "note": ""})
    _progress("run_subgraph", "end")
    return {"messages": done["messages"], "items": ["sub"]}


_agent: StateGraph[AgentState, Any, Any, Any] = StateGraph(AgentState)
_agent.add_node("stream_message", stream_message)
_agent.add_node("call_tool", call_tool)
_agent.add_node("ask_human", ask_human)
_agent.add_node("run_subgraph", run_subgraph)
_agent.set_entry_point("stream_message")
_agent.add_edge("stream_message", "call_tool")
_agent.add_edge("call_tool", "ask_human")
_agent.add_edge("ask_human", "run_subgraph")
_agent.set_finish_point("run_subgraph")
agent = _agent.compile(name="v3_integration_agent", transformers=[CustomTransformer, UpdatesTransformer])


class EchoState(TypedDict, total=False):
    text: str
    access_context: str
    is_for_execution: bool


async def make_factory_graph(config: RunnableConfig, runtime: ServerRuntime) -> Any:
    """A two-argument factory: checks it got a ``ServerRuntime``, and builds a graph that echoes
    ``text`` and reports the runtime's access context."""
    from langgraph_sdk.runtime import _ExecutionRuntime, _ReadRuntime

    if not isinstance(runtime, (_ExecutionRuntime, _ReadRuntime)):
        raise TypeError(f"factory must receive a ServerRuntime, got {type(runtime).__name__}")
    if not isinstance(runtime.store, BaseStore):
        raise TypeError(f"runtime.store must be a BaseStore, got {type(runtime.store).__name__}")
    access_context = runtime.access_context
    is_for_execution = runtime.execution_runtime is not None

    def echo(state: EchoState) -> EchoState:
        return {"text": (state.get("text") or "") + " echoed", "access_context": access_context,
                "is_for_execution": is_for_execution}

    workflow = StateGraph(EchoState)
    workflow.add_node("echo", echo)
    workflow.set_entry_point("echo")
    workflow.add_edge("echo", END)
    return workflow.compile()
