/* The live ACD feed in the browser: snapshot, deltas in order, resync on a gap, reconnect with backoff.
 *
 * Protocol (acd/consumers.py, docs/acd-live.md): the server sends {"type": "snapshot", "snapshot": S}
 * on connect and on {"resync": true}, then {"type": "delta", "delta": D} with D.seq == S.seq + 1.
 * applyDelta is a port of acd/live/feed.py `apply`; tests/director/test_live_feed_js.py holds the two
 * to the same answers.
 */
(function (root) {
  "use strict";

  class Gap extends Error {
    constructor(have, got) {
      super("expected seq " + (have + 1) + ", got " + got + ": resync");
      this.name = "Gap";
      this.have = have;
      this.got = got;
    }
  }

  function copyRow(row) {
    return Object.assign({}, row);
  }

  /* The snapshot after `delta`; a delta at or before the snapshot's seq is ignored (already in it).
   * Throws Gap when delta.seq > snapshot.seq + 1. The input snapshot is not modified. */
  function applyDelta(snapshot, delta) {
    const have = Number(snapshot.seq);
    const got = Number(delta.seq);
    if (got <= have) return snapshot;
    if (got !== have + 1) throw new Gap(have, got);
    const agents = {};
    for (const [number, row] of Object.entries(snapshot.agents || {})) agents[number] = copyRow(row);
    const queues = {};
    for (const [service, waiting] of Object.entries(snapshot.queues || {})) queues[service] = waiting.slice();
    for (const [number, row] of Object.entries(delta.agents || {})) {
      if (row === null) delete agents[number];
      else agents[number] = copyRow(row);
    }
    for (const [service, waiting] of Object.entries(delta.queues || {})) queues[service] = waiting.slice();
    return Object.assign({}, snapshot, { seq: got, agents: agents, queues: queues });
  }

  // Refusals the server will repeat: say why (the server's reason when it gave one) and stop reconnecting.
  const FINAL_CLOSE_CODES = {
    4401: "your session ended (logged out or deactivated): log in again",
    4403: "your role does not allow this feed",
    4404: "this feed does not exist",
  };

  /* One WebSocket feed kept current. Callbacks:
   *   onState(snapshot)         after each snapshot or applied delta
   *   onStatus(status, detail)  "connecting" | "live" | "resyncing" | "reconnecting" | "closed"
   *   onMessage(message)        any other message: an agent feed's "pop", "result" and "error"
   */
  class LiveFeed {
    constructor(
      url,
      { onState = () => {}, onStatus = () => {}, onMessage = () => {}, minDelay = 500, maxDelay = 10000 } = {},
    ) {
      this.url = url;
      this.onState = onState;
      this.onStatus = onStatus;
      this.onMessage = onMessage;
      this.minDelay = minDelay;
      this.maxDelay = maxDelay;
      this.delay = minDelay;
      this.snapshot = null;
      this.awaitingSnapshot = true;
      this.socket = null;
      this.timer = null;
      this.stopped = false;
      this.resyncs = 0;
    }

    start() {
      this.stopped = false;
      this.connect();
      return this;
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if (this.socket) this.socket.close();
    }

    connect() {
      this.onStatus(this.snapshot ? "reconnecting" : "connecting");
      const socket = new WebSocket(this.url);
      this.socket = socket;
      this.awaitingSnapshot = true;
      socket.onmessage = (event) => this.receive(JSON.parse(event.data));
      socket.onclose = (event) => {
        if (this.socket !== socket) return;
        this.socket = null;
        const final = FINAL_CLOSE_CODES[event.code] && (event.reason || FINAL_CLOSE_CODES[event.code]);
        if (this.stopped || final) {
          this.onStatus("closed", final || "");
          return;
        }
        this.onStatus("reconnecting", "retry in " + Math.round(this.delay / 100) / 10 + " s");
        this.timer = setTimeout(() => this.connect(), this.delay);
        this.delay = Math.min(this.delay * 2, this.maxDelay);
      };
    }

    resync() {
      this.awaitingSnapshot = true;
      this.resyncs += 1;
      this.onStatus("resyncing");
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ resync: true }));
    }

    receive(message) {
      if (message.type === "snapshot") {
        this.snapshot = message.snapshot;
        this.awaitingSnapshot = false;
        this.delay = this.minDelay; // a good connection resets the backoff
        this.onStatus("live");
        this.onState(this.snapshot);
      } else if (message.type === "delta") {
        if (this.awaitingSnapshot || !this.snapshot) return; // the coming snapshot includes it
        try {
          const next = applyDelta(this.snapshot, message.delta);
          if (next === this.snapshot) return;
          this.snapshot = next;
        } catch (err) {
          if (!(err instanceof Gap)) throw err;
          this.resync();
          return;
        }
        this.onState(this.snapshot);
      } else {
        this.onMessage(message);
      }
    }

    /* Send a command (an agent feed's {"action": …, "id": …}); false when the socket is not open. */
    send(message) {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
      this.socket.send(JSON.stringify(message));
      return true;
    }
  }

  const api = { Gap: Gap, applyDelta: applyDelta, LiveFeed: LiveFeed };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.CcwebLive = api;
})(typeof window !== "undefined" ? window : globalThis);
