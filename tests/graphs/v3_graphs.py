"""Graphs for the ports of the SDK's v3 thread-stream integration tests (``tests/conformance/
test_integration_*.py``): what those tests expect of the SDK's own integration graphs, built
here without a language model or any package beyond ``langgraph`` and ``langchain_core``.

- ``v3_agent``: ``stream_message`` (a model streams "Hello, world!" token by token) ->
  ``call_tool`` -> ``ask_human`` (an interrupt) -> ``run_subgraph`` (a nested graph, invoked
  from the node); each node writes ``progress`` custom events at its start and end, and adds
  its marker to ``items``: ``["streamed", "tool", "asked", "sub"]`` at the end.
- ``v3_tools_agent``: a model step that calls the ``search`` tool, the tool, and a model step
  that answers ``"done."``: a real tool call, so the ``tools`` channel carries it.
- ``v3_deep_agent``: a supervisor whose ``task`` tool runs a ``researcher`` agent graph, the
  shape of ``deepagents.create_deep_agent``'s subagents (that package is not a dependency).
"""

from __future__ import annotations

import operator
import time
from typing import Annotated, Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolCallTransformer, ToolNode, tools_condition
from langgraph.stream.transformers import CustomTransformer, UpdatesTransformer
from langgraph.types import interrupt
from typing_extensions import TypedDict

PAUSE_DELAY = 1.0  # seconds before ``ask_human`` pauses the run (see there)


class AgentState(TypedDict):
    messages: Annotated[list[BaseMessage], add_messages]
    value: str
    items: Annotated[list[str], operator.add]


def _progress(step: str, phase: str, **more: Any) -> None:
    get_stream_writer()({"name": "progress", "step": step, "phase": phase, **more})


def _stream_message(state: AgentState) -> dict[str, Any]:
    _progress("stream_message", "start")
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Hello, world!", id="ai-msg-1")]))
    message = model.invoke(state["messages"])
    _progress("stream_message", "end")
    return {"messages": [message], "value": "x", "items": ["streamed"]}


@tool
def search(query: str) -> str:
    """Look up ``query`` in a fake search index."""
    return f"result for {query!r}"


def _call_tool(state: AgentState) -> dict[str, Any]:
    _progress("call_tool", "start")
    call = {"id": "tc-1", "name": "search", "args": {"query": "v3"}}
    asked = AIMessage(content="", id="ai-msg-2", tool_calls=[call])
    answer = ToolMessage(content=search.invoke({"query": "v3"}), tool_call_id="tc-1")
    _progress("call_tool", "end")
    return {"messages": [asked, answer], "items": ["tool"]}


def _ask_human(state: AgentState) -> dict[str, Any]:
    _progress("ask_human", "start")
    # The SDK ends its projections when its lifecycle connection sees the pause; a run that
    # pauses before a projection's own connection has caught up leaves that projection short
    # (seen: ``extensions["progress"]`` got 0 or 1 of the 5 events). The SDK's integration
    # graph is slow enough not to; this one waits instead.
    time.sleep(PAUSE_DELAY)
    answer = interrupt("Are we good?")
    _progress("ask_human", "end", answer=str(answer))
    return {"messages": [AIMessage(content=f"Human said: {answer}", id="ai-msg-3")], "items": ["asked"]}


class SubState(TypedDict):
    messages: Annotated[list[BaseMessage], add_messages]
    note: str


def _sub(state: SubState) -> dict[str, Any]:
    _progress("sub_node", "start")
    _progress("sub_node", "end")
    return {"messages": [AIMessage(content="from subgraph", id="sub-msg-1")], "note": "ran"}


_nested = StateGraph(SubState).add_node("sub", _sub).add_edge(START, "sub").add_edge("sub", END).compile()


def _run_subgraph(state: AgentState) -> dict[str, Any]:
    _progress("run_subgraph", "start")
    result = _nested.invoke({"messages": [], "note": ""})
    _progress("run_subgraph", "end")
    return {"messages": result["messages"], "items": ["sub"]}


v3_agent = (
    StateGraph(AgentState)
    .add_node("stream_message", _stream_message)
    .add_node("call_tool", _call_tool)
    .add_node("ask_human", _ask_human)
    .add_node("run_subgraph", _run_subgraph)
    .add_edge(START, "stream_message")
    .add_edge("stream_message", "call_tool")
    .add_edge("call_tool", "ask_human")
    .add_edge("ask_human", "run_subgraph")
    .add_edge("run_subgraph", END)
    .compile(name="v3_integration_agent", transformers=[CustomTransformer, UpdatesTransformer])
)


def _tools_model(state: MessagesState) -> dict[str, Any]:
    # Decided from the conversation, so every run makes exactly one tool call.
    if any(isinstance(message, ToolMessage) for message in state["messages"]):
        return {"messages": [AIMessage(content="done.", id="ai-tools-done")]}
    call = {"id": "tc-1", "name": "search", "args": {"query": "v3"}}
    return {"messages": [AIMessage(content="", id="ai-tools-call", tool_calls=[call])]}


def _tool_agent(name: str, model: Any, tools: list[Any]) -> Any:
    return (
        StateGraph(MessagesState)
        .add_node("model", model)
        .add_node("tools", ToolNode(tools))
        .add_edge(START, "model")
        .add_conditional_edges("model", tools_condition)
        .add_edge("tools", "model")
        .compile(name=name, transformers=[ToolCallTransformer])
    )


v3_tools_agent = _tool_agent("v3_tools_agent", _tools_model, [search])


def _researcher_model(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="The v3 spec streams typed projections.", id="res-1")]}


_researcher = (
    StateGraph(MessagesState).add_node("model", _researcher_model)
    .add_edge(START, "model").add_edge("model", END).compile(name="researcher")
)


@tool
def task(description: str, subagent_type: str) -> str:
    """Hand ``description`` to the subagent ``subagent_type`` and return its answer."""
    result = _researcher.invoke({"messages": [{"role": "user", "content": description}]})
    return str(result["messages"][-1].content)


def _supervisor_model(state: MessagesState) -> dict[str, Any]:
    if any(isinstance(message, ToolMessage) for message in state["messages"]):
        return {"messages": [AIMessage(content="Research complete.", id="sup-2")]}
    call = {"id": "tc-task-1", "name": "task",
            "args": {"description": "research the v3 spec", "subagent_type": "researcher"}}
    return {"messages": [AIMessage(content="", id="sup-1", tool_calls=[call])]}


v3_deep_agent = _tool_agent("v3_deep_agent", _supervisor_model, [task])
