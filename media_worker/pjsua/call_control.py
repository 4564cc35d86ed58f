"""`PjCallControl`: the scripts' CallControl port over one pjsua2 call of a media child.

Runs on the child's one thread: its coroutines are stepped by the child's asyncio loop between pjsua2
polls, so they call the CallHandle (pjsua2) directly. They wait on futures that the call's events
resolve — `PlayDone` ends a prompt, `Dtmf` feeds the digit buffer (and interrupts an interruptible
prompt), `Ended` resolves every wait at once, so a caller who hangs up never leaves a script waiting.
Anything blocking (espeak-ng, sox, the database) goes through `asyncio.to_thread`.

Digits typed before `collect_digits` starts (type-ahead) stay in the buffer and count. The buffer holds at
most `MAX_TYPE_AHEAD` digits: a caller (or a broken phone) flooding DTMF faster than the script reads it
would otherwise grow it without limit for the whole call. When it is full, further digits are dropped —
the oldest are kept, because type-ahead means "what the caller typed first is read first" — and the drop
is logged once per call.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import wave
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from calls.selectors import default_music_on_hold_path
from core.moh import generate_default_moh
from media_worker.pjsua import events
from media_worker.pjsua import prompts as prompt_files
from media_worker.pjsua.legs import resolve
from scripts_app.speech import spoken_text

log = logging.getLogger(__name__)

#: digits typed ahead of the script that are kept (far more than any entry a script asks for at once)
MAX_TYPE_AHEAD = 64
#: seconds a prompt waits for the call's audio to come up (it does at the answer, or at the ACK of a call
#: offered without SDP) before it counts as played: a call whose audio never comes up must not hold its script
NO_AUDIO_GRACE_S = 5.0
PLAY_MARGIN_S = 5.0  # how much longer than its length a prompt may take to report its end

_moh_path: Path | None = None


def default_moh_path() -> Path:
    """System > Misc's music on hold (or the generated default), made if missing; blocking."""
    global _moh_path
    if _moh_path is None or not _moh_path.is_file():
        path = default_music_on_hold_path()
        if not path.is_file():
            generate_default_moh(path)
        _moh_path = path
    return _moh_path


class PjCallControl:
    """CallControl over a `media_worker.process.child.CallHandle` (one per answered call)."""

    def __init__(
        self, call, *, currency: str = "USD", transfer: Callable[[str], Awaitable[bool]] | None = None
    ) -> None:
        self.call = call
        self._transfer = transfer  # the owning flow's blind transfer (media_worker.flows.transfer)
        self.currency = currency
        self.digits: deque[str] = deque()
        self.dropped_digits = 0
        self.ended = False
        self.hung_up_here = False  # this side (the script, an agent leg ending, an error) sent the BYE
        self.on_hold = False
        self._bridged = False
        self.moh_path: Path | None = None  # the waiting service's own music on hold (None: System > Misc's)
        self.ended_future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._play: asyncio.Future | None = None
        self._play_interruptible = False
        self._digit: asyncio.Future | None = None
        self._caller_gone: list[Callable[[], None]] = []
        self._on_bridged: list[Callable[[], None]] = []

    # events from the child's loop ---------------------------------------------------------------

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.PlayDone):
            resolve(self._play)
        elif isinstance(event, events.Dtmf):
            digit = event.digit.upper()
            if digit not in events.DTMF_KEYS:
                # pjsua2 passes a SIP INFO's `Signal=` on as it is (`Z`, `12`, ...): not a key anybody pressed
                log.info("call %s: DTMF %r ignored (not a DTMF key)", self.call.call_id, event.digit[:16])
                return
            if len(self.digits) < MAX_TYPE_AHEAD:
                self.digits.append(digit)
            else:
                self.dropped_digits += 1
                if self.dropped_digits == 1:
                    log.warning(
                        "call %s: %d digits typed ahead, dropping the next ones", self.call.call_id, MAX_TYPE_AHEAD
                    )
            resolve(self._digit)
            if self._play_interruptible:
                resolve(self._play)
        elif isinstance(event, events.Ended):
            self.ended = True
            self.on_hold = False
            if self.dropped_digits:
                log.warning("call %s: %d DTMF digits dropped (type-ahead full)", self.call.call_id, self.dropped_digits)
            resolve(self._play)
            resolve(self._digit)
            resolve(self.ended_future, event)
            if not self.hung_up_here:
                for callback in self._caller_gone:
                    try:
                        callback()
                    except Exception:
                        log.exception("call %s: caller-gone callback failed", self.call.call_id)
            self._caller_gone.clear()

    @property
    def bridged(self) -> bool:
        """Connected to another leg (an agent, a transfer target): no music on hold or prompts any more."""
        return self._bridged

    @bridged.setter
    def bridged(self, value: bool) -> None:
        self._bridged = value
        if value:
            # the bridge stopped whatever was playing, so no end-of-file will come for it
            resolve(self._play)
            callbacks, self._on_bridged = self._on_bridged, []
            for callback in callbacks:
                try:
                    callback()
                except Exception:
                    log.exception("call %s: bridged callback failed", self.call.call_id)

    def on_bridged(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the caller is bridged to another leg (a script running while the caller
        waits — the service's IVR application — stops at its next step then)."""
        if self._bridged:
            callback()
        else:
            self._on_bridged.append(callback)

    @property
    def caller_hung_up(self) -> bool:
        """The call ended and this side did not end it: the caller hung up (or their side failed)."""
        return self.ended and not self.hung_up_here

    def on_caller_gone(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the loop thread) when the caller hangs up — not when this side does: the
        script's runner uses it to stop the script at its next step instead of running it to the end
        against a dead call (where a retry loop would spin to the step budget and the fallback)."""
        if self.caller_hung_up:
            callback()
        elif not self.ended:
            self._caller_gone.append(callback)

    # CallControl -------------------------------------------------------------------------------

    async def play(self, prompts: Sequence[str], *, language: int) -> None:
        await self._play_list(prompts, language, interruptible=False)

    async def say(self, value: str, *, format: str, language: int) -> None:
        words = spoken_text(value, format=format, language=language, currency=self.currency)
        if not words.strip() or self.ended:
            return
        path = await asyncio.to_thread(prompt_files.speech_path, words, language)
        await self._play_file(path, interruptible=False)

    async def collect_digits(
        self,
        *,
        prompts: Sequence[str],
        language: int,
        max_digits: int,
        terminator: str,
        first_timeout: float,
        inter_timeout: float,
    ) -> str:
        await self._play_list(prompts, language, interruptible=True)
        typed = ""
        timeout = first_timeout
        while len(typed) < max_digits and not self.ended:
            digit = await self._next_digit(timeout)
            if digit is None:
                break
            if terminator and digit == terminator:
                break
            typed += digit
            timeout = inter_timeout
        return typed

    async def start_music_on_hold(self) -> None:
        if self.ended or self.on_hold or self.bridged:
            return
        path = self.moh_path if self.moh_path is not None else await asyncio.to_thread(default_moh_path)
        if self.ended or self.bridged:
            return
        self.on_hold = True
        self.call.play(str(path), loop=True)

    async def play_file(self, path: Path) -> None:
        """Play one audio file to its end (an announcement), the music on hold stopped first."""
        if self.on_hold:
            await self.stop_music_on_hold()
        if not self.bridged:
            await self._play_file(path, interruptible=False)

    async def stop_music_on_hold(self) -> None:
        if self.on_hold:
            self.on_hold = False
            if not self.ended:
                self.call.stop_play()

    async def wait(self, seconds: float) -> None:
        if self.ended or seconds <= 0:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.ended_future), seconds)
        except TimeoutError:
            pass

    async def transfer(self, target: str) -> bool:
        """Blind transfer (`media_worker.flows.transfer.script_transfer`): an extension is dialled and bridged
        (True once answered), an IRN re-routes the call when the script has ended (True at once). False when
        the target is unknown, nobody answered, or the call belongs to no flow that transfers: the caller stays
        and the script's failure exit runs."""
        return await self._transfer(target) if self._transfer is not None else False

    async def hangup(self) -> None:
        self.on_hold = False
        if not self.ended:
            self.hung_up_here = True
            self.call.hangup()

    # internals -----------------------------------------------------------------------------------

    async def _play_list(self, names: Sequence[str], language: int, *, interruptible: bool) -> None:
        if self.on_hold:
            await self.stop_music_on_hold()
        for name in names:
            if self.ended or (interruptible and self.digits):
                return
            path = await asyncio.to_thread(prompt_files.prompt_path, name, language)
            await self._play_file(path, interruptible=interruptible)

    async def _play_file(self, path: Path, *, interruptible: bool) -> None:
        if self.ended or self.bridged or (interruptible and self.digits):
            return
        loop = asyncio.get_running_loop()
        self._play = future = loop.create_future()
        self._play_interruptible = interruptible
        self.call.play(str(path))
        try:
            await self._until_played(future, path)
        finally:
            self._play = None
            self._play_interruptible = False
        if not self.ended:
            self.call.stop_play()

    async def _until_played(self, future: asyncio.Future, path: Path) -> None:
        """Wait for the prompt's end. A call whose audio never comes up (the caller's SDP is `a=inactive` or
        `sendonly`, so pjsua2 never reports it active) would hold the script on a prompt nobody hears until
        the caller gives up: after NO_AUDIO_GRACE_S without audio the prompt counts as played."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + NO_AUDIO_GRACE_S
        while not future.done():
            if getattr(self.call, "pending_play", None) is None:  # playing (or stopped): its end resolves it
                # ... and a prompt never plays longer than it lasts: if its end-of-file is lost (a call pjsua
                # dropped under overload), the script must not wait on it for ever
                limit = wav_seconds(path) + PLAY_MARGIN_S
                try:
                    await asyncio.wait_for(asyncio.shield(future), limit)
                except TimeoutError:
                    log.warning(
                        "call %s: prompt %s not done after %.1f s: counted as played",
                        self.call.call_id,
                        path.name,
                        limit,
                    )
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                log.warning(
                    "call %s: no audio after %g s, prompt %s skipped", self.call.call_id, NO_AUDIO_GRACE_S, path.name
                )
                return
            await asyncio.wait({future}, timeout=min(remaining, 0.1))

    async def _next_digit(self, timeout: float) -> str | None:
        if self.digits:
            return self.digits.popleft()
        if self.ended:
            return None
        self._digit = future = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(future, max(timeout, 0.0))
        except TimeoutError:
            return None
        finally:
            self._digit = None
        return self.digits.popleft() if self.digits else None


@functools.lru_cache(maxsize=512)
def _wav_seconds(path: str, mtime: float) -> float:
    try:
        with wave.open(path) as wav:
            return wav.getnframes() / float(wav.getframerate() or 8000)
    except (OSError, EOFError, wave.Error):
        return 60.0  # unreadable here: pjsua2 may still play it; allow a long prompt


def wav_seconds(path: Path) -> float:
    """How long a WAV lasts (its header; cached per file version)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return 60.0
    return _wav_seconds(str(path), mtime)
