"""Redis key names; the Lua side (lua_common.py) builds the same names from the same prefix."""

from __future__ import annotations


class Keys:
    """All ACD keys start with `prefix` (tests use their own, e.g. 'ccweb:test:<uuid>:')."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def agent(self, agent: str) -> str:
        return f"{self.prefix}agent:{agent}"

    def call(self, call: str) -> str:
        return f"{self.prefix}call:{call}"

    def service(self, service: str) -> str:
        return f"{self.prefix}svc:{service}"

    def queue(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:q"

    def queue_skills(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:qsk"

    def service_agents(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:agents"

    def service_avail(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:avail"

    def service_logged(self, service: str) -> str:
        return f"{self.prefix}svc:{service}:logged"

    @property
    def reservations(self) -> str:
        return f"{self.prefix}reservations"

    @property
    def seq(self) -> str:
        return f"{self.prefix}seq"
