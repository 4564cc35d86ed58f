"""Who may do what: four roles, each a Django group holding permissions (created by core's migrations).

- administrator: configuration (the Director's configuration pages, the configuration API, the admin);
- supervisor: monitoring (live queues, every agent's feed), forcing agent states, reports;
- agent: their own desktop and data only (their own agent's state and feed);
- integrator: another application's account: the CTI event stream (and its API token), nothing else.

A user holds one role (its group); a superuser is an administrator. Views declare what they need with an
`Access` (`access` on a class-based view, `access_required` on a function view); tests/test_access.py walks
every URL pattern and WebSocket route with a user of each role, so a view without a declaration fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    INTEGRATOR = "integrator"

    @property
    def group_name(self) -> str:
        return GROUP_NAMES[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Capability(StrEnum):
    """Permission codenames of app `core` (model `core.Access`)."""

    CONFIGURE = "configure"
    MONITOR = "monitor"
    FORCE_AGENT_STATE = "force_agent_state"
    VIEW_REPORTS = "view_reports"
    USE_DESKTOP = "use_desktop"
    READ_CTI = "read_cti"

    @property
    def perm(self) -> str:
        return f"core.{self.value}"


CAPABILITY_NAMES: dict[Capability, str] = {
    Capability.CONFIGURE: "Configure the contact center",
    Capability.MONITOR: "Monitor queues, calls and agents",
    Capability.FORCE_AGENT_STATE: "Force an agent's state",
    Capability.VIEW_REPORTS: "View reports and call history",
    Capability.USE_DESKTOP: "Use the agent desktop",
    Capability.READ_CTI: "Read the CTI event stream",
}

GROUP_NAMES: dict[Role, str] = {
    Role.ADMINISTRATOR: "Administrators",
    Role.SUPERVISOR: "Supervisors",
    Role.AGENT: "Agents",
    Role.INTEGRATOR: "Integrators",
}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(Capability) - {Capability.USE_DESKTOP},  # the desktop is an agent's own
    Role.SUPERVISOR: frozenset(
        {Capability.MONITOR, Capability.FORCE_AGENT_STATE, Capability.VIEW_REPORTS, Capability.READ_CTI}
    ),
    Role.AGENT: frozenset({Capability.USE_DESKTOP}),
    Role.INTEGRATOR: frozenset({Capability.READ_CTI}),
}

# Why a role is needed, in the sentence a 403 page, an API error and a refused WebSocket show.
NEEDS: dict[Capability, str] = {
    Capability.CONFIGURE: "Configuration is for administrators.",
    Capability.MONITOR: "Monitoring is for supervisors and administrators.",
    Capability.FORCE_AGENT_STATE: "Forcing an agent's state is for supervisors and administrators.",
    Capability.VIEW_REPORTS: "Reports are for supervisors and administrators.",
    Capability.USE_DESKTOP: "The agent desktop is for agents.",
    Capability.READ_CTI: "The CTI event stream is for integrators, supervisors and administrators.",
}
NO_ROLE = (
    "Your account has no role in ccweb (administrator, supervisor, agent or integrator): ask an administrator for one."
)


def is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user: Any) -> Role | None:
    """The role of an active user (None for anyone else): see `stored_role`."""
    return stored_role(user) if is_active_user(user) else None


def stored_role(user: Any) -> Role | None:
    """The role the user holds, active or not: a superuser is an administrator, others the group they are in."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {group.name for group in user.groups.all()}  # all(): a list page's prefetch_related serves it
    return next((role for role in Role if role.group_name in names), None)


def can(user: Any, capability: Capability) -> bool:
    return is_active_user(user) and bool(user.has_perm(capability.perm))


@dataclass(frozen=True)
class Access:
    """What a view needs: `read` for GET/HEAD/OPTIONS, `write` for the other methods.

    None means any active user with a role (e.g. the home page, an agent's own state: the view then checks
    that the object is theirs).
    """

    read: Capability | None
    write: Capability | None

    def needed(self, method: str) -> Capability | None:
        return self.read if method.upper() in ("GET", "HEAD", "OPTIONS") else self.write

    def refusal(self, user: Any, method: str) -> str:
        """'' when `user` may use the view with `method`, else the sentence saying why not."""
        if not is_active_user(user):
            return "Log in first."
        capability = self.needed(method)
        if capability is not None and can(user, capability):
            return ""
        if role_of(user) is None:
            return NO_ROLE
        return "" if capability is None else NEEDS[capability]


CONFIGURATION = Access(Capability.CONFIGURE, Capability.CONFIGURE)
MONITORING = Access(Capability.MONITOR, Capability.MONITOR)
REPORTS = Access(Capability.VIEW_REPORTS, Capability.VIEW_REPORTS)
SIGNED_IN = Access(None, None)  # any role; object-level checks in the view where there are objects
