"""PjCallControl under bad input, without pjsua2: a DTMF flood is bounded; who hung up is known."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from media_worker.pjsua import events
from media_worker.pjsua.call_control import MAX_TYPE_AHEAD, PjCallControl


@dataclass
class FakeCall:
    """The CallHandle surface PjCallControl uses; records hang-ups."""

    call_id: int = 7
    hangups: list[int] = field(default_factory=list)
    pending_play: tuple[str, bool] | None = None
    audio: bool = True

    def hangup(self, code: int = 0) -> None:
        self.hangups.append(code)

    def play(self, path: str, *, loop: bool = False) -> None:
        if not self.audio:  # as CallHandle: the play waits for audio that never comes
            self.pending_play = (path, loop)

    def stop_play(self) -> None:
        self.pending_play = None


def test_a_dtmf_flood_keeps_the_first_digits_and_drops_the_rest(caplog):
    async def scenario() -> tuple[str, str, PjCallControl]:
        control = PjCallControl(FakeCall())
        for index in range(500):
            control.on_event(events.Dtmf(7, "1234567890"[index % 10]))
        first = await control.collect_digits(
            prompts=[], language=0, max_digits=4, terminator="#", first_timeout=1, inter_timeout=1
        )
        second = await control.collect_digits(
            prompts=[], language=0, max_digits=4, terminator="#", first_timeout=1, inter_timeout=1
        )
        control.on_event(events.Ended(7, 200))
        return first, second, control

    with caplog.at_level(logging.WARNING, logger="media_worker.pjsua.call_control"):
        first, second, control = asyncio.run(scenario())

    assert (first, second) == ("1234", "5678")  # type-ahead order survives the flood
    assert len(control.digits) == MAX_TYPE_AHEAD - 8
    assert control.dropped_digits == 500 - MAX_TYPE_AHEAD
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and f"{500 - MAX_TYPE_AHEAD} DTMF digits dropped" in warnings[1], warnings


def test_a_caller_hang_up_is_told_apart_from_ours():
    async def scenario() -> tuple[bool, bool]:
        theirs = PjCallControl(FakeCall())
        theirs.on_event(events.Ended(7, 200))
        ours = PjCallControl(FakeCall())
        await ours.hangup()
        ours.on_event(events.Ended(7, 200))
        return theirs.caller_hung_up, ours.caller_hung_up

    assert asyncio.run(scenario()) == (True, False)


def test_caller_gone_callbacks_run_only_when_the_caller_hangs_up():
    async def scenario() -> list[str]:
        seen: list[str] = []
        theirs = PjCallControl(FakeCall())
        theirs.on_caller_gone(lambda: seen.append("theirs"))
        theirs.on_event(events.Ended(7, 200))
        theirs.on_caller_gone(lambda: seen.append("late"))  # registered after the hang-up: runs at once
        ours = PjCallControl(FakeCall())
        ours.on_caller_gone(lambda: seen.append("ours"))
        await ours.hangup()
        ours.on_event(events.Ended(7, 200))
        return seen

    assert asyncio.run(scenario()) == ["theirs", "late"]


def test_a_sip_info_signal_that_is_no_dtmf_key_is_ignored():
    async def scenario() -> str:
        control = PjCallControl(FakeCall())
        for digit in ["Z", "12", "", "\x00", "1", "a", "#"]:
            control.on_event(events.Dtmf(7, digit))
        return "".join(control.digits)

    assert asyncio.run(scenario()) == "1A#"


def test_a_prompt_on_a_call_without_audio_counts_as_played_after_the_grace(monkeypatch, tmp_path):
    from media_worker.pjsua import call_control

    monkeypatch.setattr(call_control, "NO_AUDIO_GRACE_S", 0.3)

    async def scenario() -> tuple[float, FakeCall]:
        call = FakeCall(audio=False)
        control = PjCallControl(call)
        started = asyncio.get_running_loop().time()
        await control._play_file(tmp_path / "hello.wav", interruptible=False)
        return asyncio.get_running_loop().time() - started, call

    elapsed, call = asyncio.run(scenario())
    assert 0.3 <= elapsed < 1.0
    assert call.pending_play is None  # the waiting play was dropped too
