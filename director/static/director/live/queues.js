/* Monitoring > Live Queues: draws the wallboard feed (feed.js) as bars per service and a row per agent,
 * and lets a supervisor force an agent's state through POST /api/agents/{id}/force/. */
(function () {
  "use strict";

  const page = document.getElementById("live-queues");
  if (!page || !window.CcwebLive) return;

  const directory = JSON.parse(document.getElementById("live-directory").textContent);
  const STATES = page.dataset.states.split(" ");
  const forceUrl = page.dataset.forceUrl;
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const servicesBox = document.getElementById("live-services");
  const agentRows = document.getElementById("live-agent-rows");
  const forceTemplate = document.getElementById("live-force-template");
  const statusBadge = document.getElementById("live-status");
  const seqText = document.getElementById("live-seq");

  const STATUS_TEXT = {
    connecting: "connecting…",
    live: "live",
    resyncing: "resyncing…",
    reconnecting: "reconnecting…",
    closed: "closed",
  };

  const label = (state) => String(state || "").replace(/_/g, " ");
  const byNumber = (a, b) => a.localeCompare(b, undefined, { numeric: true });

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") node.className = value;
      else if (name === "style") node.style.cssText = value;
      else node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- services: a waiting bar and a stacked bar of agent states ---- */

  function serviceAgents(service, agents) {
    const groups = new Set(((directory.services[service] || {}).groups) || []);
    return Object.keys(agents).filter((number) => {
      const info = directory.agents[number];
      return info && info.groups.some((group) => groups.has(group));
    });
  }

  function drawServices(snapshot) {
    const queues = snapshot.queues || {};
    const names = Array.from(new Set([...Object.keys(directory.services), ...Object.keys(queues)])).sort();
    const longest = Math.max(1, ...names.map((name) => (queues[name] || []).length));
    const boxes = names.map((name) => {
      const waiting = (queues[name] || []).length;
      const members = serviceAgents(name, snapshot.agents || {});
      const counts = {};
      for (const number of members) {
        const state = snapshot.agents[number].state || "logged_out";
        counts[state] = (counts[state] || 0) + 1;
      }

      const box = el("div", { class: "live-service", "data-service": name });
      box.append(el("div", { class: "live-service-name" }, name));

      const waitRow = el("div", { class: "live-bar-row" });
      const waitTrack = el("div", {
        class: "live-track",
        role: "img",
        "aria-label": name + ": " + waiting + " waiting",
      });
      waitTrack.append(el("div", { class: "live-waiting", style: "width:" + (100 * waiting) / longest + "%" }));
      waitRow.append(
        el("span", { class: "live-bar-label" }, "Waiting"),
        waitTrack,
        el("span", { class: "live-count", "data-waiting": name }, String(waiting))
      );

      const agentRow = el("div", { class: "live-bar-row" });
      const parts = STATES.filter((state) => counts[state]).map((state) => counts[state] + " " + label(state));
      const stack = el("div", {
        class: "live-track live-stack",
        role: "img",
        "aria-label": name + " agents: " + (parts.join(", ") || "none"),
      });
      const extra = Object.keys(counts).filter((state) => !STATES.includes(state));
      for (const state of [...STATES, ...extra]) {
        const n = counts[state];
        if (!n) continue;
        const seg = el("div", {
          class: "live-seg state-" + state,
          style: "width:" + (100 * n) / members.length + "%",
          title: label(state) + ": " + n,
          "data-state": state,
          "data-count": String(n),
        });
        seg.textContent = String(n);
        stack.append(seg);
      }
      agentRow.append(
        el("span", { class: "live-bar-label" }, "Agents"),
        stack,
        el("span", { class: "live-count", "data-agents": name }, String(members.length))
      );
      box.append(waitRow, agentRow);
      return box;
    });
    if (!boxes.length) boxes.push(el("p", { class: "muted" }, "No services are configured."));
    servicesBox.replaceChildren(...boxes);
  }

  /* ---- agents: one row each, updated in place so an open select is not thrown away ---- */

  const rows = new Map();

  function makeRow(number) {
    const info = directory.agents[number];
    const tr = el("tr", { id: "agent-row-" + number, "data-agent": number });
    const cells = {
      number: el("td", { class: "mono" }, number),
      name: el("td", { class: "strong" }, info ? info.name : ""),
      state: el("td", { class: "live-state-cell" }),
      code: el("td", { class: "live-code-cell" }),
      call: el("td", { class: "mono live-call-cell" }),
      force: el("td", { class: "live-force-cell" }),
    };
    if (info) {
      cells.force.append(forceTemplate.content.cloneNode(true));
      const select = cells.force.querySelector("select");
      const code = cells.force.querySelector("input");
      select.setAttribute("aria-label", "Force state of agent " + number);
      code.setAttribute("aria-label", "Release code for agent " + number);
      select.addEventListener("change", () => force(info.id, select, code, cells.force));
    } else {
      cells.force.append(el("span", { class: "muted" }, "not in the directory"));
    }
    tr.append(cells.number, cells.name, cells.state, cells.code, cells.call, cells.force);
    return { tr: tr, cells: cells };
  }

  function drawAgents(snapshot) {
    const agents = snapshot.agents || {};
    const numbers = Array.from(new Set([...Object.keys(directory.agents), ...Object.keys(agents)])).sort(byNumber);
    for (const [number, row] of rows) {
      if (!numbers.includes(number)) {
        row.tr.remove();
        rows.delete(number);
      }
    }
    numbers.forEach((number) => {
      let row = rows.get(number);
      if (!row) {
        row = makeRow(number);
        rows.set(number, row);
      }
      agentRows.append(row.tr); // re-appending keeps the order; the node (and its select) stays the same
      const live = agents[number];
      const state = live ? live.state : "";
      row.tr.dataset.state = state || "unknown";
      const pill = el("span", { class: "live-pill state-" + (state || "unknown") }, live ? label(state) : "not in the live ACD");
      row.cells.state.replaceChildren(pill);
      row.cells.code.textContent = (live && live.code) || "";
      row.cells.call.textContent = (live && live.call) || "";
    });
  }

  async function force(id, select, code, cell) {
    const state = select.value;
    if (!state) return;
    const error = cell.querySelector(".live-force-error");
    error.textContent = "";
    select.disabled = true;
    try {
      const response = await fetch(forceUrl.replace("{id}", String(id)), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "" },
        body: JSON.stringify({ state: state, code: code.value }),
      });
      if (!response.ok) {
        let body = {};
        try {
          body = await response.json();
        } catch (_) {
          /* not JSON: use the status line */
        }
        const detail = body.detail || Object.values(body).flat().join(" ") || response.status + " " + response.statusText;
        error.textContent = "Refused: " + detail;
      }
      // Success needs no drawing here: the change arrives as a delta like any other.
    } catch (err) {
      error.textContent = "Not sent: " + err.message;
    } finally {
      select.value = "";
      select.disabled = false;
    }
  }

  /* ---- wiring ---- */

  let pending = null;
  function draw(snapshot) {
    pending = snapshot;
    seqText.textContent = String(snapshot.seq);
    // A burst of deltas draws once per frame.
    requestAnimationFrame(() => {
      if (pending === null) return;
      const current = pending;
      pending = null;
      drawServices(current);
      drawAgents(current);
    });
  }

  function status(name, detail) {
    statusBadge.dataset.status = name;
    statusBadge.textContent = STATUS_TEXT[name] + (detail ? " (" + detail + ")" : "");
  }

  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const feed = new window.CcwebLive.LiveFeed(scheme + location.host + page.dataset.wsPath, {
    onState: draw,
    onStatus: status,
  });
  window.ccwebLiveQueues = feed; // for the console and the browser test
  feed.start();
})();
