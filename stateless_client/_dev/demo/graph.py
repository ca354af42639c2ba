"""The demo's graph: the stateless-runs docs' ``agent``, replying ``"echo: " + the last message``."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph


def agent_node(state: MessagesState) -> dict[str, Any]:
    """Answer the last message by echoing it."""
    last = state["messages"][-1].content if state["messages"] else ""
    return {"messages": [AIMessage(content=f"echo: {last}")]}


_builder = StateGraph(MessagesState)
_builder.add_node("agent", agent_node)
_builder.add_edge(START, "agent")
_builder.add_edge("agent", END)
graph = _builder.compile()
