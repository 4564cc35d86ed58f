/* The desktop's softphone: JsSIP (vendored, bin/vendor.sh) registers the agent's extension over the SIP
 * front's WebSocket with short-lived credentials from /ccd/agent/phone/ (the server renews them), and takes
 * the ACD's offered calls in the browser: answer, hang up, hold/resume, mute, DTMF, blind transfer.
 * Media goes through rtpengine (DTLS-SRTP/ICE here, plain RTP toward the media children): no STUN server
 * and no max-bundle (docs/desktop.md says why). Every value from the network is set as text, never as HTML.
 * window.ccwebSoftphone is what the desktop's keys and the browser tests use. */
(function () {
  "use strict";
  const box = document.getElementById("softphone");
  if (!box) return;
  const $ = (id) => document.getElementById(id);
  const audio = $("phone-audio");
  const RENEW_BEFORE_MS = 10 * 60 * 1000; // fetch new credentials this long before they expire
  const RETRY_MS = 15000;
  const REFUSED_RETRY_MS = 60000; // slower: the front counts refused registrations per address

  let ua = null;
  let session = null;
  let expiresAt = 0;
  let renewTimer = null;
  let registered = false;
  let refused = false;
  let lastState = "off";

  function say(text, kind) {
    const line = $("phone-status");
    line.textContent = text;
    line.dataset.kind = kind || "";
  }

  function setState(state) {
    lastState = state;
    box.dataset.state = state; // off | registering | refused | registered | incoming | talking | held
    for (const el of box.querySelectorAll("[data-phone-when]")) {
      const on = el.dataset.phoneWhen.split(" ").includes(state);
      if (el.tagName === "BUTTON" || el.tagName === "INPUT") el.disabled = !on; else el.hidden = !on;
    }
    $("phone-mute").setAttribute("aria-pressed", String(!!(session && session.isMuted().audio)));
    $("phone-hold").textContent = state === "held" ? "Resume" : "Hold";
  }

  function idleState() { return registered ? "registered" : refused ? "refused" : ua ? "registering" : "off"; }

  function caller(s) {
    const who = s.remote_identity;
    const name = who && who.display_name ? who.display_name : "";
    const number = who && who.uri ? who.uri.user : "";
    return [name, number].filter(Boolean).join(" · ") || "unknown caller";
  }

  function hookMedia(pc) {
    pc.addEventListener("track", (event) => {
      audio.srcObject = event.streams[0] || new MediaStream([event.track]);
      audio.play().catch(() => say("Click the page to hear the caller (the browser blocked autoplay).", "warn"));
    });
  }

  function attach(next) {
    session = next;
    $("phone-caller").textContent = caller(next);
    setState("incoming");
    say("Incoming call: Alt+A answers, Alt+H declines.", "ring");
    next.on("peerconnection", (event) => hookMedia(event.peerconnection));
    next.on("confirmed", () => { setState("talking"); say("On the call.", "live"); });
    next.on("hold", () => setState("held"));
    next.on("unhold", () => setState("talking"));
    next.on("muted", () => setState(lastState));
    next.on("unmuted", () => setState(lastState));
    const done = (event) => {
      if (session !== next) return;
      session = null;
      audio.srcObject = null;
      $("phone-caller").textContent = "";
      setState(idleState());
      say(event && event.cause && event.cause !== "Terminated" && event.cause !== "Canceled"
        ? "Call ended (" + event.cause + ")." : "Call ended.", "");
      if (expiresAt - Date.now() < RENEW_BEFORE_MS) renew();
    };
    next.on("ended", done);
    next.on("failed", done);
  }

  function stopUa() {
    if (!ua) return;
    const old = ua;
    ua = null;
    registered = refused = false;
    old.removeAllListeners();
    old.stop();
  }

  function startUa(phone) {
    stopUa();
    expiresAt = Date.parse(phone.expires_at);
    const socket = new JsSIP.WebSocketInterface(phone.ws_url);
    const next = new JsSIP.UA({
      sockets: [socket],
      uri: phone.uri,
      authorization_user: phone.authorization_user,
      password: phone.password,
      realm: phone.realm,
      display_name: phone.display_name,
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: "ccweb desktop softphone",
    });
    ua = next;
    next.on("connecting", () => { if (!registered) say("Connecting to the SIP front…", ""); });
    next.on("disconnected", () => {
      registered = false;
      if (!session) setState(idleState());
      say("The SIP front is not reachable; retrying…", "warn");
    });
    next.on("registered", () => {
      registered = true;
      refused = false;
      if (!session) setState("registered");
      say("Browser phone ready (extension " + phone.extension + ").", "live");
    });
    next.on("unregistered", () => { registered = false; if (!session) setState(idleState()); });
    next.on("registrationFailed", (event) => {
      registered = false;
      refused = true;
      if (!session) setState(idleState());
      say("The SIP front refused the browser phone (" + event.cause + "); trying again in a minute.", "error");
      clearTimeout(renewTimer);
      renewTimer = setTimeout(renew, REFUSED_RETRY_MS); // with fresh credentials
    });
    next.on("newRTCSession", (event) => {
      if (event.originator !== "remote") return;
      // one call at a time: the ACD offers one; anything else gets busy
      if (session) { event.session.terminate({ status_code: 486, reason_phrase: "Busy Here" }); return; }
      attach(event.session);
    });
    setState("registering");
    next.start();
  }

  async function renew() {
    clearTimeout(renewTimer);
    if (session) return; // renewed when the call ends: a new registration never cuts a call
    let phone;
    try {
      const response = await fetch(box.dataset.configUrl, { credentials: "same-origin", cache: "no-store" });
      phone = await response.json();
      if (!response.ok) throw new Error(phone.detail || "HTTP " + response.status);
    } catch (error) {
      say("Browser phone settings not loaded (" + error.message + "); retrying…", "warn");
      renewTimer = setTimeout(renew, RETRY_MS);
      return;
    }
    if (!phone.enabled) {
      stopUa();
      setState("off");
      say(phone.reason, "");
      return;
    }
    startUa(phone);
    renewTimer = setTimeout(renew, Math.max(RETRY_MS, Date.parse(phone.expires_at) - Date.now() - RENEW_BEFORE_MS));
  }

  const api = {
    answer() {
      if (!session || lastState !== "incoming") return false;
      session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
      say("Answering…", "live");
      return true;
    },
    hangup() {
      if (!session) return false;
      session.terminate();
      return true;
    },
    hold() {
      if (!session || !session.isEstablished()) return false;
      if (session.isOnHold().local) session.unhold(); else session.hold();
      return true;
    },
    mute() {
      if (!session || !session.isEstablished()) return false;
      if (session.isMuted().audio) session.unmute({ audio: true }); else session.mute({ audio: true });
      return true;
    },
    dtmf(digit) {
      if (!session || !session.isEstablished() || !/^[0-9*#A-D]$/.test(digit)) return false;
      // RFC 4733 events in the RTP stream: they pass rtpengine and reach the media child like a desk phone's
      session.sendDTMF(digit, { transportType: "RFC2833", duration: 160 });
      return true;
    },
    transfer(target) {
      const to = String(target || "").trim();
      if (!session || !session.isEstablished() || !/^[0-9A-Za-z+*#._-]{1,64}$/.test(to)) return false;
      session.refer(to); // the media child declines the REFER and runs the same blind transfer as the API
      say("Transferring to " + to + "…", "");
      return true;
    },
    state() { return lastState; },
    async inboundAudio() {
      const pc = session && session.connection;
      if (!pc) return null;
      const report = await pc.getStats();
      let inbound = null;
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") inbound = { packets: s.packetsReceived, lost: s.packetsLost, energy: s.totalAudioEnergy };
      });
      return inbound;
    },
  };
  window.ccwebSoftphone = api;

  $("phone-answer").addEventListener("click", () => api.answer());
  $("phone-hangup").addEventListener("click", () => api.hangup());
  $("phone-hold").addEventListener("click", () => api.hold());
  $("phone-mute").addEventListener("click", () => api.mute());
  for (const key of box.querySelectorAll("button[data-dtmf]")) key.addEventListener("click", () => api.dtmf(key.dataset.dtmf));
  $("phone-transfer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!api.transfer($("phone-transfer-to").value)) say("Transfer needs a number or a name (letters, digits, + * # . _ -).", "error");
  });
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    if ((key === "a" && api.answer()) || (key === "h" && api.hangup())) event.preventDefault();
  });
  window.addEventListener("pagehide", stopUa);
  renew();
})();
