"""Integrations with web frameworks; nothing here is imported by ``import stateless_client``.

- ``stateless_client.contrib.flask``: a Blueprint serving the LangGraph API to the browser
  (the JS SDK and React ``useStream``) with the API key kept on the server.
- ``stateless_client.contrib.django``: the same mount as Django URL patterns, under WSGI
  and ASGI, with Django's CSRF protection and ``request.user`` as the owner.
- ``stateless_client.contrib.access``: who may do what through such a mount (the
  ``authorize`` hook's types, and ``owner_policy``).
"""
