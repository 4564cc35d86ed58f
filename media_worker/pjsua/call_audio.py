"""The audio of the calls an `Endpoint` holds: prompts and music played to a call, what it hears recorded, two calls
bridged on pjsua's conference bridge, and all of it connected again when a re-INVITE gives a call a new conference
port.

Part of the pjsua2 adapter (`media_worker.pjsua.endpoint.Endpoint` inherits it), under the same rules: only the
loop thread calls these, and the adapter keeps every player and recorder until it destroys them explicitly (a
recorder writes its WAV header when it is destroyed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from media_worker.pjsua import events

if TYPE_CHECKING:
    from media_worker.pjsua.endpoint import _Call

log = logging.getLogger("media_worker.pjsua.endpoint")


class _Player(pj.AudioMediaPlayer):
    def __init__(self, adapter: CallAudio, call_id: int) -> None:
        super().__init__()
        self._adapter = adapter
        self._call_id = call_id

    def onEof2(self) -> None:  # noqa: N802 (pjsua2 name)
        self._adapter.post(events.PlayDone(self._call_id))


class CallAudio:
    """Audio wiring of an Endpoint's calls (`_calls`: call_id → `_Call`; `_lib`: the pjsua2 library)."""

    _calls: dict[int, _Call]
    _lib: Any
    post: Callable[[events.Event], None]  # Endpoint.post: a player's end is an event for the loop

    def play(self, call_id: int, wav_path: str, *, loop: bool = False) -> bool:
        """Play a 16-bit mono WAV to the caller; False when the call has no active audio yet."""
        call = self._calls.get(call_id)
        if call is None or not call.media_active:
            return False
        self.stop_play(call_id)
        player = _Player(self, call_id)
        player.createPlayer(wav_path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
        player.startTransmit(call.getAudioMedia(getattr(call, "media_index", -1)))
        call.player = player
        return True

    def stop_play(self, call_id: int) -> None:
        call = self._calls.get(call_id)
        if call is None or call.player is None:
            return
        player, call.player = call.player, None
        self._destroy_player(player, call)

    def send_silence(self, call_id: int) -> bool:
        """Connect the (null) sound device's capture to the call, as a phone's silent microphone: the call then
        sends audio RTP all the time. Why: without it pjsua sends no RTP at all (VAD off or not), and a pjsua
        receiver ignores RFC 4733 events on a stream that carries no audio (measured: no `onDtmfDigit`)."""
        call = self._calls.get(call_id)
        if call is None or not call.media_active:
            return False
        capture = self._lib.audDevManager().getCaptureDevMedia()  # owned by the library, not by us
        capture.startTransmit(call.getAudioMedia(getattr(call, "media_index", -1)))
        return True

    def record(self, call_id: int, wav_path: str) -> bool:
        """Record what the call receives (the far end's audio) to `wav_path`, 16-bit PCM at the conference
        bridge's clock rate, until `stop_record`, `hangup` or the call's end; False when the call has no
        active audio yet; OSError when the file cannot be created."""
        call = self._calls.get(call_id)
        if call is None or not call.media_active:
            return False
        self.stop_record(call_id)
        recorder = pj.AudioMediaRecorder()
        try:
            recorder.createRecorder(wav_path)
        except pj.Error as exc:
            del recorder
            raise OSError(f"cannot record to {wav_path}: {exc.info()}") from None
        call.recorder = recorder
        call.getAudioMedia(getattr(call, "media_index", -1)).startTransmit(recorder)
        return True

    def stop_record(self, call_id: int) -> None:
        """Stop recording the call and close its WAV (the header is written when the recorder is destroyed)."""
        call = self._calls.get(call_id)
        if call is not None:
            self._drop_recorder(call)

    def bridge(self, call_a: int, call_b: int) -> bool:
        """Connect the audio of two calls both ways (conference bridge), stopping what either played; False
        while either has no active audio yet."""
        a, b = self._calls.get(call_a), self._calls.get(call_b)
        if a is None or b is None or not (a.media_active and b.media_active):
            return False
        self.stop_play(call_a)
        self.stop_play(call_b)
        media_a = a.getAudioMedia(getattr(a, "media_index", -1))
        media_b = b.getAudioMedia(getattr(b, "media_index", -1))
        media_a.startTransmit(media_b)
        media_b.startTransmit(media_a)
        a.peers.add(call_b)
        b.peers.add(call_a)
        return True

    def reconnect(self, call: _Call) -> None:
        """Connect a call's (possibly new) conference port again to its bridged calls, recorder and player."""
        try:
            audio = call.getAudioMedia(getattr(call, "media_index", -1))
            for peer_id in list(call.peers):
                peer = self._calls.get(peer_id)
                if peer is None or not peer.media_active:
                    call.peers.discard(peer_id)
                    continue
                other = peer.getAudioMedia(getattr(peer, "media_index", -1))
                audio.startTransmit(other)
                other.startTransmit(audio)
            if call.recorder is not None:
                audio.startTransmit(call.recorder)
            if call.player is not None:
                call.player.startTransmit(audio)
        except pj.Error as error:
            log.warning("call %s: audio not reconnected after a media change: %s", call.call_id, error.info())

    def _destroy_player(self, player: _Player, call: _Call) -> None:
        try:
            if call.media_active:
                player.stopTransmit(call.getAudioMedia(getattr(call, "media_index", -1)))
        except pj.Error:
            pass
        del player

    def _drop_recorder(self, call: _Call) -> None:
        recorder, call.recorder = call.recorder, None
        if recorder is None:
            return
        try:
            if call.media_active:
                call.getAudioMedia(getattr(call, "media_index", -1)).stopTransmit(recorder)
        except pj.Error:
            pass
        del recorder  # the last reference: pjsua2 destroys the recorder, which finishes the WAV file
