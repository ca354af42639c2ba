"""Celery tasks that run LangGraph runs: one waits for the answer, one streams it and reports
progress, and a soft time limit that stops the run on the server, not only the task.

    pip install "stateless-client[workers]"
    redis-server --port 6379 --bind 127.0.0.1 &
    LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent \
        celery -A examples.celery_app worker --pool=prefork --concurrency=4 -l info

then, from Python: ``examples.celery_app.answer.delay("Hello!").get()``. The assistant takes
``{"messages": [...]}`` and, for ``stream_answer``, streams chat-model tokens (stream mode
``messages-tuple``). See docs/workers.md.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded

from stateless_client import get_client

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# How long a streamed answer may take. Past it, Celery raises SoftTimeLimitExceeded in the task,
# wherever it is: mid-read included. The hard limit, later, kills the worker process outright.
SOFT_TIME_LIMIT = float(os.environ.get("SOFT_TIME_LIMIT", "120"))

# One client per process, made at import. Celery's prefork pool imports this module in its main
# process and then forks the children that run the tasks: a child's first request sees that its
# process ID is not the one that made the client's connection pool, and opens its own, so no
# two processes ever share a socket.
client = get_client(url=LANGGRAPH_URL)

app = Celery(__name__, broker=REDIS_URL, backend=REDIS_URL)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A worker process takes one task at a time from the queue: a run can be long, and a task
    # prefetched behind it would wait for it while another process sits idle.
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


def _input(question: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": question}]}


@app.task
def answer(question: str) -> str:
    """The assistant's answer to ``question``: a stateless run, waited for."""
    # thread_id None: a stateless run; the server deletes its temporary thread when it ends.
    # Should this worker process die while waiting, the server cancels the run (the client
    # sends stateless runs with on_disconnect="cancel").
    state = client.runs.wait(None, ASSISTANT_ID, input=_input(question))
    return str(state["messages"][-1]["content"])  # the run's final state: its last message


@app.task(bind=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 30)
def stream_answer(self: Task, question: str) -> dict[str, Any]:
    """The answer to ``question``, token by token: each token updates the task's state to
    ``PROGRESS`` with the text so far, which ``AsyncResult(id).info`` shows to whoever asks.

    Past the soft time limit the run is cancelled on the server and the task returns what it
    had, with ``"complete": False``.
    """
    text = ""
    try:
        # `with`: however the block is left -- the end of the run, an exception, the soft time
        # limit raised in the middle of a read -- the connection is closed at once and the
        # server cancels the stateless run. Without it, the run would go on until the garbage
        # collector closed the stream, or, with on_disconnect="continue", to its end.
        with client.runs.stream(None, ASSISTANT_ID, input=_input(question), stream_mode="messages-tuple") as run:
            for token in run.text_stream:
                text += token
                self.update_state(state="PROGRESS", meta={"run_id": run.run_id, "text": text})
    except SoftTimeLimitExceeded:
        return {"text": text, "complete": False}  # the run was cancelled when the block was left
    return {"text": text, "complete": True}
