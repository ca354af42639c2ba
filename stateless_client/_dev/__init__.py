"""Development tooling, not used by the client itself: a local ``langgraph dev`` server and
the demo behind ``python -m stateless_client demo``."""
