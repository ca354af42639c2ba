"""The framework-neutral core of the browser mount: what an adapter (Flask, Django) calls.

An adapter turns its request into a ``MountRequest``, calls ``Mount.handle`` and turns the
``MountResponse`` into its own response, passing ``body`` through as an iterable and calling
its ``close()`` when the server is done with it (the browser left or the body ended).
"""

from .policy import Authorize, Decision, Deny, Filters, Resource, allow_all, owner_policy
from .relay import Mount, MountRequest, MountResponse
from .routes import ACTIONS, DEFAULT_ACTIONS

__all__ = [
    "ACTIONS", "DEFAULT_ACTIONS", "Authorize", "Decision", "Deny", "Filters", "Mount", "MountRequest",
    "MountResponse", "Resource", "allow_all", "owner_policy",
]
