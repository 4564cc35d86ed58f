"""What scripts read of the layers above them, plugged in once at start-up.

Scripts sit below the ACD and routing (`acd` queues to a script's service, `routing` runs a script for an
IRN), yet the validator must know the service names (scripts.E014) and the simulator the DNIS name and the
IRN's fallback service of the number it pretends was dialled. The ACD and routing plug their readers in here
when their apps are ready (`acd.apps`, `routing.apps`), so scripts_app imports neither. Until then (a script
run with neither app installed) scripts see no services and no IRNs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class ConfigurationPort:
    #: the names of the ACD's services (Routing > Services)
    service_names: Callable[[], frozenset[str]] = frozenset
    #: the DNIS name of a dialled number, "" when it is no DNIS
    dnis_name: Callable[[str], str] = lambda number: ""
    #: the fallback service of the IRN with this number, None when there is none
    fallback_service: Callable[[str], str | None] = lambda number: None


configuration = ConfigurationPort()
