"""The thread-centric streaming protocol behind ``client.threads.stream()``.

- ``stream``: ``ThreadStream``, its commands (``run``, ``agent``) and the run it follows;
- ``projections``: the views of a run's events (``values``, ``messages``, ``tool_calls``...);
- ``events``: the protocol's event shapes and the message and tool-call objects built from them.

Nothing here is imported until a program opens its first thread stream.
"""
