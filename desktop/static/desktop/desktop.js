/* The agent desktop: the agent's live feed (director/live/feed.js) drawn as state, time in state and the
 * screen pop of an offered call; the buttons and keys send the feed's commands (acd/consumers.py).
 * Every value from the server is set as text, never as HTML. */
(function () {
  "use strict";
  const page = document.getElementById("desktop");
  if (!page) return;
  const agent = page.dataset.agent;
  const $ = (id) => document.getElementById(id);
  const LABELS = {
    logged_out: "logged out", released: "released", available: "ready", reserved: "call offered",
    ringing: "ringing", on_call: "on a call", wrap_up: "wrap-up",
  };
  let row = null;
  let pop = null;
  let openedFor = null;
  let nextId = 1;
  const pending = new Map(); // id -> the command sent, to confirm what the server did

  function pad(n) { return String(n).padStart(2, "0"); }
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(s / 3600);
    return (h ? h + ":" : "") + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function drawState() {
    const state = row ? row.state : "logged_out";
    const badge = $("desk-state");
    badge.textContent = LABELS[state] || state;
    badge.dataset.state = state;
    $("desk-code").textContent = row && row.code ? "code " + row.code : "";
    const waiting = row ? (row.personal || []).length : 0;
    $("desk-personal").textContent = waiting ? waiting + " call" + (waiting > 1 ? "s" : "") + " waiting for you" : "";
    for (const el of page.querySelectorAll("[data-when]")) {
      const on = el.dataset.when.split(" ").includes(state);
      if (el.tagName === "BUTTON") el.disabled = !on; else el.hidden = !on;
    }
    tick();
    // the pop stays through the call and its wrap-up; it goes when the agent takes the next step
    if (pop && row && !["reserved", "ringing", "on_call", "wrap_up"].includes(state)) drawPop(null);
  }

  function tick() {
    $("desk-since").textContent = row && row.since ? "for " + duration(Date.now() - row.since) : "";
  }

  function drawPop(next) {
    pop = next;
    $("desk-pop").hidden = !pop;
    $("desk-no-call").hidden = !!pop;
    const body = $("desk-pop-fields");
    body.replaceChildren();
    if (!pop) return;
    $("desk-pop-service").textContent = pop.service ? "Service " + pop.service : "";
    $("desk-pop-waited").textContent = pop.waited_s != null ? "waited " + duration(pop.waited_s * 1000) : "";
    for (const field of pop.fields) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      const td = document.createElement("td");
      th.textContent = field.name;
      td.textContent = field.value;
      tr.append(th, td);
      body.append(tr);
    }
    const link = $("desk-pop-url");
    const safe = /^https?:\/\//i.test(pop.url || "");
    link.hidden = !safe;
    if (safe) link.href = pop.url;
    // once per call: a reconnect's snapshot pops the same call again and must not open a second tab
    if (safe && $("desk-pop-auto").checked && openedFor !== pop.call) {
      openedFor = pop.call;
      window.open(pop.url, "_blank", "noopener,noreferrer");
    }
    page.dataset.popCall = pop.call;
    page.dataset.popShownAt = String(performance.timeOrigin + performance.now());
  }

  function confirm(sent) {
    // a wrap-up code is history, not state: say it was recorded
    if (sent && sent.action === "wrap_up" && sent.code) $("desk-note").textContent = "Wrap-up code " + sent.code + " recorded.";
  }

  function command(action) {
    const message = { action: action, id: nextId++ };
    if (action === "login") {
      message.group = $("desk-group").value;
      message.ready = $("desk-login-ready").checked;
    } else if (action === "release") {
      message.code = $("desk-release-code").value;
    } else if (action === "wrap_up") {
      message.code = $("desk-wrap-code").value;
    }
    $("desk-error").textContent = "";
    $("desk-note").textContent = "";
    if (feed.send(message)) pending.set(message.id, message);
    else $("desk-error").textContent = "Not connected: the action was not sent.";
  }

  const feed = new CcwebLive.LiveFeed(
    (location.protocol === "https:" ? "wss://" : "ws://") + location.host + page.dataset.wsPath,
    {
      onState: (snapshot) => { row = snapshot.agents[agent] || null; drawState(); },
      onStatus: (status, detail) => {
        $("desk-connection").textContent = status === "live" ? "" : status + (detail ? ": " + detail : "");
        page.dataset.status = status;
      },
      onMessage: (message) => {
        if (message.type === "pop" && message.pop.agent === agent) drawPop(message.pop);
        else if (message.type === "error") $("desk-error").textContent = message.detail;
        else if (message.type === "result") confirm(pending.get(message.id));
        if (message.id !== undefined) pending.delete(message.id);
      },
    },
  ).start();

  for (const button of page.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => command(button.dataset.action));
  }
  const KEYS = { r: "ready", l: "release", w: "wrap_up", e: "end_wrap_up" };
  document.addEventListener("keydown", (event) => {
    const action = event.altKey && !event.ctrlKey && !event.metaKey ? KEYS[event.key.toLowerCase()] : undefined;
    if (!action) return;
    const button = page.querySelector('button[data-action="' + action + '"]');
    if (button && !button.disabled && !button.closest("[hidden]")) {
      event.preventDefault();
      command(action);
    }
  });
  const auto = $("desk-pop-auto");
  auto.checked = localStorage.getItem("ccweb.desktop.popAuto") === "1"; // a choice of this browser, like its pop-up permission
  auto.addEventListener("change", () => localStorage.setItem("ccweb.desktop.popAuto", auto.checked ? "1" : "0"));
  setInterval(tick, 1000);
})();
