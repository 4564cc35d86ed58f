"""The pjsua2 adapter: with `call_audio` (its audio half), the only code in ccweb that imports pjsua2.

One `Endpoint` per process. Why single-threaded: pjsua2's Python binding is safe only when every call into
the library happens on one thread, and the wheel we use is measured to work with `uaConfig.threadCnt = 0`,
the owner polling `libHandleEvents`. So the child's one loop thread calls every method here; the pjsua2
callbacks (SIP ones inside `handle_events`; a prompt's end on pjmedia's clock thread; an RFC 4733 digit on
the media thread) only append a plain event (`media_worker.pjsua.events`) to a thread-safe queue, wake the loop's
poll when they run on another thread (`Endpoint.post`), and return. Deciding what to do with a call is the
loop's job, not a callback's. Why `mainThreadOnly = False`: with it on, pjsua2 parks the media threads'
callbacks (DTMF among them) until the loop's next poll, where nothing can wake them: a digit would wait for
the poll timeout; our callbacks are safe on any thread since they only enqueue.

Why `capacity` defaults to 3: the `pjsua2-python` wheel is built with `PJSUA_MAX_CALLS = 4` (the 5th call
gets 486 whatever `maxCalls` says). A caller queued to an agent needs a second leg on the same child for the
bridge, so a child accepts at most 3 callers and keeps the 4th slot for an agent leg; beyond that the loop
answers 486 so the SIP front tries another child.

Object lifetimes: pjsua2 aborts the process if a `Call` outlives `libDestroy`, and a `Call` deleted while
pjsua reuses its slot for a newer call would hang up the newer one. So the adapter holds every `Call`,
`AudioMediaPlayer`, `AudioMediaRecorder` and the `Account` itself, deletes a call right after the poll in which
it disconnected, and `close()` hangs up every call, waits for them to end, drops players, recorders, calls and
the account, and only then destroys the library. A recorder writes its WAV header only when it is destroyed,
so it is dropped before its call is released (on `hangup`, `stop_record`, the call's end, or `close()`).
What a call plays, records and is bridged with is in `media_worker.pjsua.call_audio` (inherited here).
"""

from __future__ import annotations

import collections
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pjsua2 as pj

from media_worker.pjsua import events
from media_worker.pjsua.call_audio import CallAudio, _Player
from media_worker.pjsua.sdp import codec_names, has_common_audio
from media_worker.pjsua.sip_text import header_fields, name_addr, request_uri

log = logging.getLogger(__name__)

PJSUA_MAX_CALLS = 4  # compiled into the wheel
DEFAULT_CAPACITY = PJSUA_MAX_CALLS - 1  # one slot kept free for an agent leg

DTMF_METHODS = {"rfc4733": pj.PJSUA_DTMF_METHOD_RFC2833, "info": pj.PJSUA_DTMF_METHOD_SIP_INFO}

_STATES = {
    pj.PJSIP_INV_STATE_NULL: "NULL",
    pj.PJSIP_INV_STATE_CALLING: "CALLING",
    pj.PJSIP_INV_STATE_INCOMING: "INCOMING",
    pj.PJSIP_INV_STATE_EARLY: "EARLY",
    pj.PJSIP_INV_STATE_CONNECTING: "CONNECTING",
    pj.PJSIP_INV_STATE_CONFIRMED: "CONFIRMED",
    pj.PJSIP_INV_STATE_DISCONNECTED: "DISCONNECTED",
}


class _Call(pj.Call):
    """A pjsua2 call whose callbacks only enqueue events."""

    def __init__(self, adapter: Endpoint, account: pj.Account, pjsua_id: int, call_id: int) -> None:
        super().__init__(account, pjsua_id)
        self.adapter = adapter
        self.call_id = call_id
        self.player: _Player | None = None
        self.recorder: pj.AudioMediaRecorder | None = None
        self.media_active = False
        self.peers: set[int] = set()  # calls this one is bridged with (Endpoint.bridge)
        self.remote_hold = False
        self.tx_packets = 0
        self.rx_packets = 0
        self.stream_gone = False

    def onCallState(self, prm) -> None:  # noqa: N802
        info = self.getInfo()
        state = _STATES.get(info.state, str(info.state))
        post = self.adapter.post
        post(events.CallState(self.call_id, state, info.lastStatusCode))
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.snapshot_stats()
            self.media_active = False
            self.adapter._ended.append(self)
            post(events.Ended(self.call_id, info.lastStatusCode, info.lastReason, self.tx_packets, self.rx_packets))

    def onCallMediaState(self, prm) -> None:  # noqa: N802
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD and self.media_active and not self.remote_hold:
                self.remote_hold = True
                self.adapter.post(events.Hold(self.call_id, True))
                return
            if media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.media_index = index
                if self.remote_hold:
                    self.remote_hold = False
                    self.adapter.post(events.Hold(self.call_id, False))
                if not self.media_active:
                    self.media_active = True
                    self.adapter.post(events.MediaReady(self.call_id))
                else:
                    # a re-INVITE (the far end's hold and resume, a new address) may give the call a new
                    # conference port: what the old one was connected to is connected again, here and now,
                    # since the next poll could be a whole silent period later
                    self.adapter.reconnect(self)
                return

    def onDtmfDigit(self, prm) -> None:  # noqa: N802
        self.adapter.post(events.Dtmf(self.call_id, prm.digit))

    def onCallTransferRequest(self, prm) -> None:  # noqa: N802
        # Why decline (603) and post instead: with a 2xx pjsua dials the Refer-To itself, from a Call object
        # this adapter does not own (one alive at libDestroy aborts the process), without the X-STCC headers
        # and outside the capacity rule. The loop runs ccweb's own blind transfer, which ends this leg.
        prm.statusCode = 603
        self.adapter.post(events.TransferRequest(self.call_id, prm.dstUri))

    def onCallRxOffer(self, prm) -> None:  # noqa: N802
        # a re-offer with no audio codec in common: 488 (RFC 3261 14.2), where pjsua2 would send 500
        try:
            sdp = prm.offer.wholeSdp
        except (AttributeError, pj.Error):
            return
        if not has_common_audio(sdp, self.adapter.codecs):
            prm.statusCode = 488

    def onStreamCreated2(self, prm) -> None:  # noqa: N802
        self.stream_gone = False

    def onStreamDestroyed(self, prm) -> None:  # noqa: N802
        # the last moment the RTP counters exist: when the far end hangs up, pjsua destroys the stream
        # before it reports DISCONNECTED
        self.snapshot_stats()
        self.stream_gone = True

    def snapshot_stats(self) -> None:
        """Keep the RTP counters while the stream still exists (it is gone once the call disconnects)."""
        if not self.media_active or self.stream_gone:
            return
        try:
            stat = self.getStreamStat(getattr(self, "media_index", 0))
        except pj.Error:
            return
        self.tx_packets = stat.rtcp.txStat.pkt
        self.rx_packets = stat.rtcp.rxStat.pkt


class _Account(pj.Account):
    def __init__(self, adapter: Endpoint) -> None:
        super().__init__()
        self.adapter = adapter

    def onIncomingCall(self, prm) -> None:  # noqa: N802
        # pjsua2 rejects the INVITE with 500 unless a Call object exists when this returns, so creating the
        # wrapper is the one thing done here; answering is the loop's decision.
        self.adapter._incoming(self, prm)


class Endpoint(CallAudio):
    """One pjsua2 library instance with a UDP+TCP transport on `port` and one account that takes calls."""

    def __init__(
        self,
        port: int,
        *,
        bind_address: str = "",
        public_address: str = "127.0.0.1",
        rtp_port: int = 10000,
        rtp_port_range: int = 100,
        capacity: int = DEFAULT_CAPACITY,
        tcp: bool = True,
        log_level: int = 1,
        id_uri: str = "",
    ) -> None:
        self.port = port
        self.capacity = capacity
        self.queue: collections.deque[events.Event] = collections.deque()
        self._calls: dict[int, _Call] = {}
        self._ended: list[_Call] = []
        # outbound calls (agent legs): call_id -> the listener their events go to (the child's loop calls it)
        self.listeners: dict[int, object] = {}
        self._next_id = 1
        self._closed = False
        self.slots_reused = 0
        self._loop_thread = threading.get_ident()
        # Why a wake-up datagram: the loop blocks in libHandleEvents for up to its poll timeout, and the
        # callbacks of pjmedia's threads (a prompt's end on the clock thread, an RFC 4733 digit on the media
        # thread) would otherwise wait for that timeout. A CRLF keep-alive (RFC 5626) to our own SIP port
        # wakes the poll at once and pjsip drops it silently; so the loop can poll long while idle.
        self._wake_to = (bind_address if bind_address not in ("", "0.0.0.0") else "127.0.0.1", port)
        self._wake_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._wake_socket.setblocking(False)

        self._lib = pj.Endpoint()
        self._lib.libCreate()
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = False
        config.uaConfig.maxCalls = PJSUA_MAX_CALLS
        config.uaConfig.userAgent = "ccweb-media"
        config.logConfig.level = log_level
        config.logConfig.consoleLevel = log_level
        config.medConfig.noVad = True
        config.medConfig.ecTailLen = 0
        config.medConfig.clockRate = 8000
        config.medConfig.sndClockRate = 8000
        self._lib.libInit(config)
        self._lib.audDevManager().setNullDev()
        self.codecs = codec_names(info.codecId for info in self._lib.codecEnum2() if info.priority > 0)

        transport = pj.TransportConfig()
        transport.port = port
        if bind_address:
            transport.boundAddress = bind_address
        self._lib.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        if tcp:
            self._lib.transportCreate(pj.PJSIP_TRANSPORT_TCP, transport)
        self._lib.libStart()

        account_config = pj.AccountConfig()
        # `id_uri` is the From of the calls this endpoint places (democall's caller sets the caller's number)
        account_config.idUri = id_uri or f"sip:ccweb@{public_address}:{port}"
        account_config.mediaConfig.transportConfig.port = rtp_port
        account_config.mediaConfig.transportConfig.portRange = rtp_port_range
        self._account: _Account | None = _Account(self)
        self._account.create(account_config, True)

    # ---- callbacks' helpers -------------------------------------------------------------------------------

    def post(self, event: events.Event) -> None:
        """Queue an event for the loop; from another thread, also wake the loop's poll."""
        self.queue.append(event)
        if threading.get_ident() != self._loop_thread:
            self.wake()

    def wake(self) -> None:
        """Make a blocked `handle_events` return now (safe from any thread)."""
        try:
            self._wake_socket.sendto(b"\r\n\r\n", self._wake_to)
        except OSError:  # a full socket buffer means a wake-up is already pending
            pass

    def _incoming(self, account: _Account, prm) -> None:
        call_id = self._next_id
        self._next_id += 1
        call = _Call(self, account, prm.callId, call_id)
        self._calls[call_id] = call
        info = call.getInfo()
        message = prm.rdata.wholeMsg
        headers = dict(header_fields(message))
        # Why the raw headers first: pjsua2 prints a From over 256 bytes as `<-error: uri too long->` and cuts
        # the Call-ID to 128 characters; the caller's number and name must survive a long display name.
        from_uri = name_addr(headers.get("from") or headers.get("f") or "") or info.remoteUri
        self.post(
            events.IncomingCall(
                call_id=call_id,
                from_uri=from_uri,
                to_uri=info.localUri,
                request_uri=request_uri(message),
                display_name=events.display_name(from_uri),
                sip_call_id=headers.get("call-id") or headers.get("i") or info.callIdString,
                source_address=prm.rdata.srcAddress,
                headers=headers,
            )
        )

    # ---- the loop thread's API ---------------------------------------------------------------------------

    def handle_events(self, ms: int = 20) -> None:
        """Poll pjsua for up to `ms`, then release the calls that disconnected during the poll."""
        self._lib.libHandleEvents(ms)
        self._release_ended()

    def drain(self) -> Iterator[events.Event]:
        while self.queue:
            yield self.queue.popleft()

    @property
    def active_calls(self) -> int:
        return len(self._calls)

    def has_room(self) -> bool:
        """True while the calls held (the new one included) stay within `capacity`."""
        return len(self._calls) <= self.capacity

    def answer(self, call_id: int, code: int = 200, reason: str = "") -> bool:
        """Send `code` for an incoming call; False when the INVITE is already over (the caller
        cancelled, or it timed out while the child was busy): pjsua2 raises then, and a raise
        here would end the whole child with its other calls."""
        call = self._calls.get(call_id)
        if call is None:
            return False
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        if reason:
            prm.reason = reason
        try:
            call.answer(prm)
        except pj.Error as exc:
            log.info("call %s: answer %s refused by pjsua2: %s", call_id, code, exc.info())
            return False
        return True

    def hangup(self, call_id: int, code: int = 0) -> None:
        """End the call: BYE when answered, CANCEL when ours and ringing, a final `code` (default 603) when
        it is an unanswered incoming call."""
        call = self._calls.get(call_id)
        if call is None or not call.isActive():
            return
        call.snapshot_stats()
        self.stop_play(call_id)
        self.stop_record(call_id)
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        try:
            call.hangup(prm)
        except pj.Error as error:
            log.warning("hangup of call %s failed: %s", call_id, error.info())

    def send_dtmf(self, call_id: int, digits: str, *, method: str = "rfc4733", duration_ms: int = 0) -> bool:
        """Send `digits` on an answered call by RFC 4733 (`rfc4733`, in the RTP stream) or SIP INFO (`info`);
        False when the call has no active audio yet (RFC 4733 needs the stream) or pjsua2 refuses the digits.
        `duration_ms` 0 keeps pjsua's default tone length."""
        call = self._calls.get(call_id)
        if call is None or not call.media_active or not digits:
            return False
        prm = pj.CallSendDtmfParam()
        prm.method = DTMF_METHODS[method]
        prm.digits = digits
        if duration_ms:
            prm.duration = duration_ms
        try:
            call.sendDtmf(prm)
        except pj.Error as exc:
            # e.g. the far end did not offer telephone-event: a value the caller can report, not a crash
            log.info("call %s: DTMF %r by %s refused by pjsua2: %s", call_id, digits, method, exc.info())
            return False
        return True

    def sip_call_id(self, call_id: int) -> str:
        """The SIP Call-ID of a call this endpoint holds ('' once it is released)."""
        call = self._calls.get(call_id)
        if call is None:
            return ""
        try:
            return call.getInfo().callIdString
        except pj.Error:
            return ""

    def make_call(self, uri: str, headers: dict[str, str] | None = None, listener=None, *, from_uri: str = "") -> int:
        """Place an outbound call (an agent leg) to `uri` with extra SIP `headers`; returns its call_id.

        Its events (CallState EARLY/CONFIRMED, MediaReady, Ended) go to `listener(event)` when given (the
        child's loop does that), not to the call handler. `from_uri`: the From of this call (the caller's
        identity on an agent leg) instead of the account's. Raises `pj.Error` when pjsua refuses the call.
        """
        call_id = self._next_id
        self._next_id += 1
        call = _Call(self, self._account, pj.PJSUA_INVALID_ID, call_id)
        prm = pj.CallOpParam(True)
        if headers:
            vector = pj.SipHeaderVector()
            for name, value in headers.items():
                header = pj.SipHeader()
                header.hName = name
                header.hValue = value
                vector.append(header)
            prm.txOption.headers = vector
        if from_uri:
            prm.txOption.localUri = from_uri
        self._calls[call_id] = call
        if listener is not None:
            self.listeners[call_id] = listener
        try:
            call.makeCall(uri, prm)
        except pj.Error:
            self._calls.pop(call_id, None)
            self.listeners.pop(call_id, None)
            del call
            raise
        return call_id

    def stats(self, call_id: int) -> tuple[int, int]:
        """(RTP packets sent, received) of the call's audio stream so far."""
        call = self._calls.get(call_id)
        if call is None:
            return (0, 0)
        call.snapshot_stats()
        return (call.tx_packets, call.rx_packets)

    def close(self, timeout: float = 2.0) -> None:
        """Hang up every call, wait for them to end, destroy every pjsua2 object, then the library."""
        if self._closed:
            return
        self._closed = True
        for call_id in list(self._calls):
            self.hangup(call_id, 503 if not self._answered(call_id) else 0)
        deadline = time.monotonic() + timeout
        while self._calls and time.monotonic() < deadline:
            self.handle_events(20)
        for call in list(self._calls.values()):
            if call.player is not None:
                self._destroy_player(call.player, call)
                call.player = None
            self._drop_recorder(call)
        self._calls.clear()
        self._ended.clear()
        if self._account is not None:
            self._account.shutdown()
            self._account = None
        self._lib.libDestroy()
        self._lib = None
        self._wake_socket.close()

    # ---- internals ---------------------------------------------------------------------------------------

    def _answered(self, call_id: int) -> bool:
        call = self._calls.get(call_id)
        try:
            return call is not None and call.getInfo().state == pj.PJSIP_INV_STATE_CONFIRMED
        except pj.Error:
            return False

    def _release_ended(self) -> None:
        while self._ended:
            call = self._ended.pop()
            if call.player is not None:
                call.player = None  # the call's media is gone: the bridge already disconnected the player
            self._drop_recorder(call)  # already disconnected too; dropping it before the call closes the WAV
            self._calls.pop(call.call_id, None)
            if self._slot_reused(call):
                # pjsua2's ~Call clears the user data of its slot and hangs up whatever call is active there.
                # Under load one poll can end a call and give its slot to a new INVITE: destroying the old
                # object then would orphan the new call (no more events for it: its caller would never be
                # released, its record never closed) and hang it up. So that one object is left to pjsua2
                # (a few hundred bytes, and only when a slot is reused within one poll).
                call.thisown = False
                self.slots_reused += 1
                log.info(
                    "pjsua slot %s reused within one poll: call %s's object left alive", call.getId(), call.call_id
                )
            del call

    def reap_lost(self) -> int:
        """Post `Ended` for calls pjsua no longer has (their slot is free, or another call's) although their
        end never reached us; returns how many. A safety net, run now and then by the loop: a call whose end
        was lost would otherwise hold a slot, its script and its record open for ever."""
        lost = 0
        slots: dict[int, int] = {}
        for call in self._calls.values():
            slots[call.getId()] = slots.get(call.getId(), 0) + 1
        for call in list(self._calls.values()):
            if call in self._ended:
                continue
            slot = call.getId()
            if slot < 0 or call.isActive() and slots.get(slot, 0) == 1:
                continue
            log.warning("call %s: gone from pjsua without its end (slot %s): ended here", call.call_id, slot)
            call.media_active = False
            self._ended.append(call)
            self.post(events.Ended(call.call_id, 0, "lost by pjsua", call.tx_packets, call.rx_packets))
            lost += 1
        return lost

    def _slot_reused(self, ended: _Call) -> bool:
        slot = ended.getId()
        return slot >= 0 and any(other.getId() == slot for other in self._calls.values() if other is not ended)
