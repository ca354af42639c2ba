"""Graphs the integration tests run on a real ``langgraph dev`` server.

None needs a language model: plain nodes, ``interrupt(...)``, ``get_stream_writer()`` and
``langchain_core``'s ``GenericFakeChatModel`` for real token-by-token streaming.
"""

from __future__ import annotations

import time
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
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


def _slow(state: SlowState) -> dict[str, Any]:
    write = get_stream_writer()
    done = []
    for i in range(state.get("n", 3)):
        time.sleep(state.get("delay", 0.05))
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
