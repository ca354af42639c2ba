"""The bundled demo graph (``python -m stateless_client demo``). Loaded by ``langgraph dev``, not imported."""
