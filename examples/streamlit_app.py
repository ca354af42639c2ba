"""A Streamlit chat page that streams a stateless LangGraph run's answer token by token.

    pip install "stateless-client[ui]"
    LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent streamlit run examples/streamlit_app.py

The assistant takes ``{"messages": [...]}`` and streams chat-model tokens (stream mode
``messages-tuple``); each question is a stateless run given the whole conversation so far. The
server's URL and API key come from the environment (``LANGGRAPH_URL``, ``LANGGRAPH_API_KEY``), or
from ``.streamlit/secrets.toml``, whose top-level keys Streamlit copies into the environment;
neither is ever shown on the page. See docs/ui.md.
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from stateless_client import Client, StatelessClientError, get_client

ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")
logger = logging.getLogger(__name__)


@st.cache_resource
def _client(url: str) -> Client:
    # Once per process, shared by every session: Streamlit runs this whole file again on every
    # rerun (each message, each click), and a client made there would open a connection pool
    # per rerun. The URL is the cache key, so changing LANGGRAPH_URL makes a new client.
    return get_client(url=url)


def _answer(client: Client, messages: list[dict[str, str]]) -> str:
    """Stream the assistant's answer into a chat message; return its text."""
    # `with`: the script is stopped at the next st.* call when the tab closes (a StopException)
    # or the user sends another message mid-answer (a RerunException). Either leaves the block,
    # which closes the stream, and the server cancels the stateless run (on_disconnect="cancel").
    with client.runs.stream(None, ASSISTANT_ID, input={"messages": messages}, stream_mode="messages-tuple") as run:
        return str(st.write_stream(run.text_stream))


st.title("Chat")
if "messages" not in st.session_state:
    st.session_state.messages = []
for message in st.session_state.messages:
    st.chat_message(message["role"]).markdown(message["content"])

# chat_input returns the question only in the rerun its submission started: one run per
# question, whatever else makes the script run again.
if question := st.chat_input("Ask something"):
    st.session_state.messages.append({"role": "user", "content": question})
    st.chat_message("user").markdown(question)
    with st.chat_message("assistant"):
        try:
            text = _answer(_client(os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")),
                           st.session_state.messages)
        except StatelessClientError as error:
            # The page shows the error's kind only: its message can hold the server's URL.
            logger.warning("the assistant's run failed: %r", error)
            st.error(f"The assistant could not answer ({type(error).__name__}). Please try again.")
        else:
            st.session_state.messages.append({"role": "assistant", "content": text})
