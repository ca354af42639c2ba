"""Who may do what through a browser mount (``stateless_client.contrib.flask``).

A mount calls ``authorize(request, action, resource)`` before it relays a request; the
answer is a ``Decision``: ``True`` (allow), ``False`` or a ``Deny`` (refuse, with a status),
or ``Filters`` (allow, restricted to the threads whose metadata has given values).
``owner_policy(get_user)`` is the usual one: every user sees only their own threads.

Actions are named after the SDK's methods: ``threads.create``, ``threads.search``,
``threads.get``, ``threads.update``, ``threads.delete``, ``threads.state.get``,
``threads.state.update``, ``threads.history``, ``threads.commands``, ``threads.stream``,
``runs.create``, ``runs.stream``, ``runs.wait``, ``runs.list``, ``runs.get``, ``runs.cancel``,
``runs.join``, ``runs.join_stream``, ``assistants.search``, ``assistants.get``,
``assistants.graph``, ``assistants.schemas``, ``assistants.subgraphs`` (served by default),
and ``threads.count``, ``threads.copy``, ``threads.state.patch``, ``threads.join_stream``,
``runs.delete``, ``assistants.count``, ``assistants.versions`` (served when enabled).
"""

from ._mount.policy import Authorize, Decision, Deny, Filters, Resource, allow_all, owner_policy
from ._mount.routes import ACTIONS, DEFAULT_ACTIONS

__all__ = ["ACTIONS", "DEFAULT_ACTIONS", "Authorize", "Decision", "Deny", "Filters", "Resource", "allow_all",
           "owner_policy"]
