"""What a caller waiting in a service's queue hears, played by the child that owns the call.

The ACD (`acd.engine`) decides who waits where and sends the owner `position` messages; the service's
settings (Routing > Services) decide what the waiting caller hears:

- the service's **welcome announcement** once, as the call enters the queue;
- the service's **IVR application** (its script, when it has a published version), run over the call's
  own profile while the caller waits; the agent answering stops it at its next step. When it ends with
  the caller still waiting, the music and announcements below take over;
- the service's **music on hold** (System > Misc's when the service has none), looping;
- between the music, per `acd.live.announcements.Announcer`: the **periodic announcement** every
  *announcement interval*, the **queue position** ("You are caller number three") and the **expected wait**
  when the service says so — a position that changes is announced at once.

A call moved to another service (overflow, interflow) takes on that service's music and announcements.
Everything stops the moment the caller is bridged (an agent answered) or hangs up. Prompts come from the
per-language prompt folders; one that was never recorded is spoken (espeak-ng) from its text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acd.live.announcements import PROMPTS, AnnouncementSettings, Announcer
from acd.models import Service
from core.orm import closing_connections
from media_worker.pjsua import prompts
from scripts_app.runtime.loader import version_graph

log = logging.getLogger("media_worker.flows.queue_treatment")

#: the longest a waiting call's task sleeps before it looks at its schedule again
MAX_SLEEP_S = 30.0


@dataclass(frozen=True)
class ServiceTreatment:
    """A service's queue settings, with its audio files as paths on this host."""

    service: str
    music_on_hold: Path | None = None
    welcome: Path | None = None
    announcements: AnnouncementSettings = field(default_factory=AnnouncementSettings)
    ivr: tuple[str, Any] | None = None  # the IVR application: (script name, Graph of its published version)


@closing_connections
def service_treatment(service: str) -> ServiceTreatment | None:
    """The queue settings of `service` (blocking: the database); None for an unknown service."""
    row = Service.objects.select_related("script").filter(name=service).first()
    if row is None:
        return None
    return ServiceTreatment(
        service=row.name,
        music_on_hold=_file(row.music_on_hold),
        welcome=_file(row.welcome_announcement),
        ivr=_ivr(row.script),
        announcements=AnnouncementSettings(
            interval_s=float(row.announcement_interval),
            announce_position=row.announce_position,
            announce_wait=row.announce_wait_time,
            periodic_file=str(_file(row.periodic_announcement) or ""),
        ),
    )


def _ivr(script) -> tuple[str, Any] | None:
    """(name, graph) of a script's published version; None without a script or a published version."""
    version = script.current_version if script is not None else None
    if version is None:
        if script is not None:
            log.warning("service IVR application %s has no published version: not run", script.name)
        return None
    return script.name, version_graph(version)


def _file(field_file) -> Path | None:
    """An uploaded file's path, None when the field is empty or the file is missing (never a crash)."""
    if not field_file:
        return None
    try:
        path = Path(field_file.path)
    except (ValueError, NotImplementedError):
        return None
    return path if path.is_file() else None


class QueueTreatment:
    """One waiting caller's welcome, music and announcements (see the module's docstring).

    `control` is the call's `PjCallControl` (or anything with its play_file / play / say /
    start_music_on_hold / stop_music_on_hold, `moh_path`, `ended`, `bridged`).
    """

    def __init__(
        self,
        control,
        service: str,
        *,
        language: int = 0,
        load: Callable[[str], ServiceTreatment | None] = service_treatment,
        clock: Callable[[], float] = time.monotonic,
        run_ivr: Callable[[str, Any], Awaitable[str]] | None = None,
    ) -> None:
        self.control = control
        self.service = service
        self.language = language
        self._load = load
        self._clock = clock
        self._wake = asyncio.Event()
        self._position: tuple[int, float | None] = (0, None)
        self._stopped = False
        self._on_stop: list[Callable[[], None]] = []
        self.finished = asyncio.Event()  # set when run() has returned (nothing of it plays any more)
        self._run_ivr = run_ivr
        self.played: list[tuple[str, str]] = []  # what was announced, for the logs and the tests
        self.ivr_outcomes: list[str] = []

    # messages from the ACD (the child's loop calls these) ---------------------------------------

    def position(self, position: int, expected_wait_s: float | None = None) -> None:
        self._position = (position, expected_wait_s)
        self._wake.set()

    def moved(self, service: str) -> None:
        if service and service != self.service:
            self.service = service
            self._wake.set()

    def stop(self) -> None:
        """The call leaves the queue (diverted, handed on): the IVR application stops at its next step."""
        self._stopped = True
        self._wake.set()
        callbacks, self._on_stop = self._on_stop, []
        for callback in callbacks:
            callback()

    def on_stop(self, callback: Callable[[], None]) -> None:
        if self._stopped:
            callback()
        else:
            self._on_stop.append(callback)

    @property
    def done(self) -> bool:
        return self._stopped or self.control.ended or self.control.bridged

    # the task -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Until the caller is bridged or gone: welcome, then music with the announcements in between."""
        try:
            await self._run()
        finally:
            self.finished.set()

    async def _run(self) -> None:
        current = ""
        announcer: Announcer | None = None
        while not self.done:
            if self.service != current:
                current = self.service
                settings = await asyncio.to_thread(self._load, current)
                if settings is None:
                    log.warning("waiting call: service %r unknown here: default music, no announcements", current)
                    settings = ServiceTreatment(current)
                announcer = Announcer(settings.announcements, self._clock())
                announcer.update(*self._position)
                await self._switch_music(settings.music_on_hold)
                if settings.welcome is not None and not self.done:
                    await self._announce([("file", str(settings.welcome))])
                if settings.ivr is not None and self._run_ivr is not None and not self.done:
                    if not await self._ivr(*settings.ivr):
                        return
                    await self._switch_music(settings.music_on_hold)
            assert announcer is not None
            announcer.update(*self._position)
            now = self._clock()
            if announcer.due(now):
                await self._announce(announcer.items())
                announcer.announced(self._clock())
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self._sleep_s(announcer, now))
            except TimeoutError:
                pass

    async def _ivr(self, name: str, graph: Any) -> bool:
        """Run the service's IVR application; True when the caller still waits here afterwards."""
        assert self._run_ivr is not None
        try:
            outcome = await self._run_ivr(name, graph)
        except Exception:  # a broken IVR application must not end the wait: the music takes over
            log.exception("waiting call: IVR application %s failed", name)
            outcome = "failed"
        self.ivr_outcomes.append(outcome)
        # hung up, transferred, sent to the fallback: the script handed the caller on
        return outcome not in ("hung_up", "transferred", "fallback") and not self.done

    def _sleep_s(self, announcer: Announcer, now: float) -> float:
        settings = announcer.settings
        if not settings.enabled:
            return MAX_SLEEP_S
        until_periodic = announcer.last_at + settings.interval_s - now
        until_gap = announcer.last_at + settings.min_gap_s - now  # a moved position waits for the gap only
        return max(0.05, min(MAX_SLEEP_S, until_periodic, max(until_gap, 0.05)))

    async def _switch_music(self, path: Path | None) -> None:
        if path == self.control.moh_path and self.control.on_hold:
            return
        self.control.moh_path = path
        await self.control.stop_music_on_hold()
        await self.control.start_music_on_hold()

    async def _announce(self, items: list[tuple[str, str]]) -> None:
        """Play `items` between the music: stop it, play each, start it again (unless bridged or gone)."""
        if not items or self.done:
            return
        await self.control.stop_music_on_hold()
        for kind, value in items:
            if self.done:
                return
            try:
                if kind == "file":
                    await self.control.play_file(Path(value))
                elif kind == "number":
                    await self.control.say(value, format="number", language=self.language)
                else:
                    await self._prompt(value)
            except Exception:  # an announcement that cannot play must not end the wait
                log.exception("waiting call: announcement %s %r not played", kind, value)
            self.played.append((kind, value))
        if not self.done:
            await self.control.start_music_on_hold()

    async def _prompt(self, name: str) -> None:
        """The recorded prompt `name` in the caller's language, else its text spoken."""
        recorded = await asyncio.to_thread(prompts.recorded_prompt, name, self.language)
        if recorded is not None:
            await self.control.play_file(recorded)
        else:
            await self.control.say(PROMPTS.get(name, name.replace("_", " ")), format="text", language=self.language)
