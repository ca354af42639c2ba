"""What the ports of the SDK's integration tests share: its assistant IDs, mapped to the graphs
of ``tests/graphs/sdk_integration.py`` (its own integration graphs) on our ``server`` fixture."""

from __future__ import annotations

# The SDK's integration/conftest.py serves these graphs as "agent" and "factory_agent"; our
# server already has an "agent", so they are registered under these names.
ASSISTANT_ID = "sdk_agent"
FACTORY_ASSISTANT_ID = "sdk_factory_agent"

EXPECTED_TERMINAL_ITEMS = ["streamed", "tool", "asked", "sub"]
