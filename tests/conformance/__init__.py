"""The official SDK's own tests (langgraph-sdk 0.4.14, ``libs/sdk-py/tests``), ported to run with
either client: each test takes the ``lib`` fixture and runs once with ``langgraph_sdk`` and once
with ``stateless_client``; only the import differs. See ``docs/porting.md`` ("Conformance")."""
