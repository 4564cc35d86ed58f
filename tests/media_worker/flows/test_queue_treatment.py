"""Queue treatment (media_worker.flows.queue_treatment): what a waiting caller hears, with a fake call control.

Pure logic: the real pjsua2 path is covered end to end in tests/integration/media/test_queue_treatment_e2e.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

from acd.live.announcements import AnnouncementSettings
from media_worker.flows.queue_treatment import QueueTreatment, ServiceTreatment, service_treatment


class FakeControl:
    def __init__(self) -> None:
        self.log: list[tuple] = []
        self.moh_path: Path | None = None
        self.on_hold = False
        self.ended = False
        self.bridged = False

    async def start_music_on_hold(self) -> None:
        if not self.on_hold and not self.bridged and not self.ended:
            self.on_hold = True
            self.log.append(("moh", self.moh_path))

    async def stop_music_on_hold(self) -> None:
        if self.on_hold:
            self.on_hold = False
            self.log.append(("moh_off",))

    async def play_file(self, path: Path) -> None:
        self.on_hold = False
        self.log.append(("file", str(path)))
        await asyncio.sleep(0.01)

    async def say(self, value: str, *, format: str, language: int) -> None:
        self.log.append(("say", value, format))
        await asyncio.sleep(0.01)


def settings(**kw) -> dict[str, ServiceTreatment]:
    return {
        "Stocks": ServiceTreatment(
            "Stocks",
            music_on_hold=Path("/moh/stocks.wav"),
            welcome=Path("/ann/welcome.wav"),
            announcements=AnnouncementSettings(**{"interval_s": 0.3, "announce_position": True, **kw}),
        ),
        "Bonds": ServiceTreatment("Bonds", music_on_hold=Path("/moh/bonds.wav")),
    }


def run_for(treatment: QueueTreatment, seconds: float, during=None) -> None:
    async def main() -> None:
        task = asyncio.create_task(treatment.run())
        if during is not None:
            await during()
        await asyncio.sleep(seconds)
        treatment.stop()
        await asyncio.wait_for(task, 2)

    asyncio.run(main())


def test_welcome_then_the_services_music_then_position_and_wait_between_the_music():
    control = FakeControl()
    table = settings(announce_wait=True)
    treatment = QueueTreatment(control, "Stocks", load=table.get)
    treatment.position(3, 150.0)
    run_for(treatment, 0.5)
    log = control.log
    assert log[0] == ("moh", Path("/moh/stocks.wav"))
    assert ("file", "/ann/welcome.wav") in log
    first = log.index(("say", "3", "number"))
    assert log[first - 1] == ("say", "You are caller number", "text")
    assert log[first + 1 : first + 4] == [
        ("say", "Your expected wait is about", "text"),
        ("say", "3", "number"),
        ("say", "minutes", "text"),
    ]
    assert log[first + 4] == ("moh", Path("/moh/stocks.wav"))  # the music comes back after the announcement


def test_a_changed_position_is_announced_at_once_and_nothing_plays_once_bridged():
    control = FakeControl()
    table = settings()
    table["Stocks"] = ServiceTreatment("Stocks", announcements=AnnouncementSettings(interval_s=0.2))
    treatment = QueueTreatment(control, "Stocks", load=table.get)
    treatment.position(4)

    async def during() -> None:
        await asyncio.sleep(0.3)  # the periodic one: position 4
        treatment.position(2)  # moved up: announced at once, not one interval later
        await asyncio.sleep(0.08)
        control.bridged = True  # an agent answered
        at_bridge.append(len(control.log))

    at_bridge: list[int] = []
    run_for(treatment, 0.5, during)
    numbers = [entry[1] for entry in control.log if entry[:1] == ("say",) and entry[2] == "number"]
    assert numbers == ["4", "2"]
    assert len(control.log) == at_bridge[0]  # bridged: no more music, no more announcements


def test_moved_to_another_service_takes_its_music_and_an_unknown_service_gets_the_default():
    control = FakeControl()
    treatment = QueueTreatment(control, "Stocks", load=settings(announce_position=False).get)

    async def during() -> None:
        await asyncio.sleep(0.1)
        treatment.moved("Bonds")
        await asyncio.sleep(0.1)
        treatment.moved("Nowhere")

    run_for(treatment, 0.2, during)
    music = [entry[1] for entry in control.log if entry[0] == "moh"]
    assert music[0] == Path("/moh/stocks.wav")
    assert Path("/moh/bonds.wav") in music
    assert music[-1] is None  # unknown here: System > Misc's music, and the wait goes on


def test_an_announcement_that_fails_does_not_end_the_wait():
    control = FakeControl()

    async def broken(path: Path) -> None:
        raise OSError("gone")

    control.play_file = broken  # type: ignore[method-assign]
    treatment = QueueTreatment(control, "Stocks", load=settings().get)
    treatment.position(1)
    run_for(treatment, 0.45)
    assert ("file", "/ann/welcome.wav") in treatment.played
    assert ("number", "1") in treatment.played
    assert control.on_hold  # the music is back on


def test_service_treatment_reads_the_service(db, tmp_path, settings):
    from acd.models import Service

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "moh" / "services").mkdir(parents=True)
    (tmp_path / "moh" / "services" / "s.wav").write_bytes(b"RIFF")
    Service.objects.create(
        name="Treated",
        music_on_hold="moh/services/s.wav",
        welcome_announcement="announcements/missing.wav",
        announcement_interval=45,
        announce_position=False,
        announce_wait_time=True,
    )
    treatment = service_treatment("Treated")
    assert treatment is not None
    assert treatment.music_on_hold == tmp_path / "moh" / "services" / "s.wav"
    assert treatment.welcome is None  # a file that is gone is no welcome, not a crash
    assert treatment.announcements == AnnouncementSettings(interval_s=45.0, announce_position=False, announce_wait=True)
    assert service_treatment("Nope") is None


def test_the_services_ivr_application_runs_after_the_welcome_then_the_music_takes_over():
    control = FakeControl()
    ran: list[str] = []

    async def run_ivr(name: str, graph) -> str:
        ran.append(name)
        control.on_hold = False  # the script's prompts stopped the music
        control.log.append(("ivr", name))
        return "returned"

    table = settings(announce_position=False)
    table["Stocks"] = ServiceTreatment(**{**table["Stocks"].__dict__, "ivr": ("While you wait", object())})
    treatment = QueueTreatment(control, "Stocks", load=table.get, run_ivr=run_ivr)
    run_for(treatment, 0.2)
    assert ran == ["While you wait"] and treatment.ivr_outcomes == ["returned"]
    kinds = [entry[0] for entry in control.log]
    assert kinds.index("file") < kinds.index("ivr") < len(kinds) - 1  # welcome, IVR, then ...
    assert control.log[-1] == ("moh", Path("/moh/stocks.wav"))  # ... the service's music again


def test_an_ivr_application_that_hands_the_caller_on_ends_the_treatment():
    for outcome in ("hung_up", "transferred"):
        control = FakeControl()

        async def run_ivr(name: str, graph, outcome: str = outcome, control: FakeControl = control) -> str:
            control.on_hold = False
            return outcome

        table = {"S": ServiceTreatment("S", ivr=("IVR", object()))}
        treatment = QueueTreatment(control, "S", load=table.get, run_ivr=run_ivr)
        run_for(treatment, 0.1)
        assert control.log == [("moh", None)] and not control.on_hold, outcome
