"""A Gradio chat page (``gr.ChatInterface``) that streams a stateless LangGraph run's answer.

    pip install "stateless-client[ui]"
    LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent python examples/gradio_app.py

The assistant takes ``{"messages": [...]}`` and streams chat-model tokens (stream mode
``messages-tuple``); each question is a stateless run given the whole conversation so far. The
server's URL and API key come from the environment (``LANGGRAPH_URL``, ``LANGGRAPH_API_KEY``) and
are never shown on the page. Gradio serves on 127.0.0.1:7860 (``GRADIO_SERVER_NAME``,
``GRADIO_SERVER_PORT``). See docs/ui.md.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Iterator

import gradio as gr

from stateless_client import StatelessClientError, get_client

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")
# How many answers stream at once; more wait in Gradio's queue. Gradio's own default is 1: one
# user at a time for the whole app.
CONCURRENCY_LIMIT = int(os.environ.get("CONCURRENCY_LIMIT", "16"))
logger = logging.getLogger(__name__)

# One client for the process: Gradio calls `respond` in its worker threads, which share it.
client = get_client(url=LANGGRAPH_URL)


def _text(content: Any) -> str:
    """A history message's text: Gradio gives a string, or a list of parts (files are dropped)."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    return "".join(part.get("text", "") for part in parts if isinstance(part, dict) and part.get("type") == "text")


def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
    """Yield the answer so far, token by token: Gradio shows each yield in place of the last."""
    messages = [{"role": item["role"], "content": _text(item["content"])} for item in history]
    messages.append({"role": "user", "content": message})
    text = ""
    try:
        # `with`: Gradio closes this generator when the user presses Stop or the page goes away
        # (GeneratorExit at the `yield`); leaving the block closes the stream and the server
        # cancels the stateless run (on_disconnect="cancel").
        with client.runs.stream(None, ASSISTANT_ID, input={"messages": messages}, stream_mode="messages-tuple") as run:
            for token in run.text_stream:
                text += token
                yield text
    except StatelessClientError as error:
        # gr.Error's message is shown on the page; the error's own can hold the server's URL.
        logger.warning("the assistant's run failed: %r", error)
        raise gr.Error(f"The assistant could not answer ({type(error).__name__}). Please try again.") from None


demo = gr.ChatInterface(respond, title="Chat", concurrency_limit=CONCURRENCY_LIMIT, api_name="chat")

if __name__ == "__main__":
    demo.launch()
