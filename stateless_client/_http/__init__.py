"""The HTTP engine: sending requests (``transport``), reading streamed bodies (``body``),
turning them into ``RunStream`` objects (``stream``), and the URL and retry rules they share.

Nothing here knows an API endpoint; the resources in ``stateless_client._resources`` do.
"""
