"""Published scripts for calls: the version in force by name, pinned for the rest of the call.

A call starts on the current version of its script and keeps it: store `LoadedScript.version_id`
(or `ScriptLoader.pinned`) with the call, and `load_version` gives the same graph back even after a
newer version is published.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from scripts_app.engine.graph import Graph, parse_graph
from scripts_app.models import Script, ScriptVersion


@dataclass(frozen=True)
class LoadedScript:
    name: str
    script_id: int
    version_id: int
    number: int
    graph: Graph


def version_graph(version: ScriptVersion) -> Graph:
    """The parsed graph of a published version (well-formed: it was checked when published)."""
    # Not cached: reading the row costs more than parsing it, and a cache keyed by id could outlive the row.
    return parse_graph(version.graph)


def _loaded(version: ScriptVersion) -> LoadedScript:
    return LoadedScript(
        name=version.script.name,
        script_id=version.script_id,
        version_id=version.pk,
        number=version.number,
        graph=version_graph(version),
    )


def load_current(*, name: str | None = None, script_id: int | None = None) -> LoadedScript | None:
    """The version in force of the script with this name (or id); None if there is none or it is unpublished."""
    scripts = Script.objects.all()
    script = (scripts.filter(name=name) if name is not None else scripts.filter(pk=script_id)).first()
    if script is None or script.current_version_id is None:
        return None
    version = ScriptVersion.objects.select_related("script").filter(pk=script.current_version_id).first()
    return _loaded(version) if version is not None else None


def published_graph(name: str) -> Graph | None:
    """The graph of script `name`'s published version, None when there is none (blocking: the database)."""
    loaded = load_current(name=name)
    return loaded.graph if loaded is not None else None


def load_version(version_id: int) -> LoadedScript | None:
    """A version by id: what a call that started on it keeps running. None if the script was deleted."""
    version = ScriptVersion.objects.select_related("script").filter(pk=version_id).first()
    return _loaded(version) if version is not None else None


class PublishedScriptLoader:
    """The engine's ScriptLoader for one call: the first load of a name pins its version for the whole call.

    `pinned` (script name -> version id) is what to store with the call; pass it back to resume.
    """

    def __init__(self, pinned: dict[str, int] | None = None) -> None:
        self.pinned: dict[str, int] = dict(pinned or {})

    def resolve(self, name: str) -> LoadedScript | None:
        if name in self.pinned:
            return load_version(self.pinned[name])
        loaded = load_current(name=name)
        if loaded is not None:
            self.pinned[name] = loaded.version_id
        return loaded

    def load(self, name: str) -> Graph | None:
        # Subscript calls this from the script's event loop, where Django refuses ORM queries: run the
        # (millisecond) lookup on a helper thread and wait for it.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loaded = self.resolve(name)
        else:
            with ThreadPoolExecutor(max_workers=1) as pool:
                loaded = pool.submit(self.resolve, name).result()
        return loaded.graph if loaded is not None else None
