"""The API resources hung off ``Client``: ``runs``, ``threads``, ... One module per resource;
each public method states its signature, its path and its payload, and ``base.Resource``
does the rest.
"""
