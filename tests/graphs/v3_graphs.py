"""Graphs for the ports of the SDK's v3 thread-stream integration tests (``tests/conformance/
test_integration_*.py``): what those tests expect of the SDK's integration graphs
``tools_agent`` and ``deep_agent`` (its ``agent`` is ``sdk_agent``, in ``sdk_integration.py``), built
here without a language model or any package beyond ``langgraph`` and ``langchain_core``.

- ``v3_tools_agent``: a model step that calls the ``search`` tool, the tool, and a model step
  that answers ``"done."``: a real tool call, so the ``tools`` channel carries it.
- ``v3_deep_agent``: a supervisor whose ``task`` tool runs a ``researcher`` agent graph, the
  shape of ``deepagents.create_deep_agent``'s subagents (that package is not a dependency).
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolCallTransformer, ToolNode, tools_condition


@tool
def search(query: str) -> str:
    """Look up ``query`` in a fake search index (as ``sdk_integration.search``: graph files are
    loaded one by one, so they share no module)."""
    return f"result for {query!r}"


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
