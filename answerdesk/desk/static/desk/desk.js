// answerdesk desk: keyboard shortcuts, bulk selection, and the composer's completeness gate.
// No framework and no inline script: the desk's Content-Security-Policy allows only this file.
"use strict";

function typing(event) {
  const t = event.target;
  return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
}

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const glue = before && !before.endsWith("\n") ? "\n\n" : "";
  textarea.value = before + glue + text + textarea.value.slice(end);
  textarea.focus();
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

// --- the inbox: rows, selection, bulk actions -------------------------------------------
function setUpInbox() {
  const rows = Array.from(document.querySelectorAll("tr.ticket-row"));
  const bulk = document.querySelector("form[data-bulk]");
  let cursor = -1;
  const selected = () => rows.filter((r) => r.querySelector("[data-select]").checked);
  const refresh = () => {
    if (!bulk) return;
    const ids = selected().map((r) => r.dataset.ticket);
    bulk.querySelector("input[name=tickets]").value = ids.join(",");
    bulk.querySelector("[data-selected-count]").textContent = String(ids.length);
    bulk.classList.toggle("active", ids.length > 0);
  };
  const move = (to) => {
    if (!rows.length) return;
    cursor = Math.max(0, Math.min(rows.length - 1, to));
    rows.forEach((r, i) => r.classList.toggle("cursor", i === cursor));
    rows[cursor].scrollIntoView({ block: "nearest" });
  };
  document.querySelectorAll("[data-select]").forEach((box) => box.addEventListener("change", refresh));
  const all = document.querySelector("[data-select-all]");
  if (all) all.addEventListener("change", () => {
    rows.forEach((r) => { r.querySelector("[data-select]").checked = all.checked; });
    refresh();
  });
  rows.forEach((row) => row.addEventListener("click", (event) => {
    if (event.target.closest("a, input, button, select")) return;
    window.location.href = row.dataset.href;
  }));
  return {
    j: () => move(cursor + 1),
    k: () => move(cursor - 1),
    o: () => { if (rows[cursor]) window.location.href = rows[cursor].dataset.href; },
    Enter: () => { if (rows[cursor]) window.location.href = rows[cursor].dataset.href; },
    x: () => {
      if (!rows[cursor]) return;
      const box = rows[cursor].querySelector("[data-select]");
      box.checked = !box.checked;
      refresh();
    },
  };
}

// --- the composer: live completeness check, and the gate on sending ---------------------
function setUpComposer() {
  const form = document.querySelector("form[data-composer]");
  if (!form) return {};
  const body = form.querySelector("textarea[name=body]");
  const summary = form.querySelector("[data-gate-summary]");
  const confirmBox = form.querySelector("[data-confirm-box]");
  const asks = Array.from(document.querySelectorAll("[data-ask]"));
  let last = null;
  let timer = null;
  let sequence = 0;

  async function check() {
    const mine = ++sequence;
    const data = new FormData();
    data.append("body", body.value);
    const response = await fetch(form.dataset.checkUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken(form) },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`check failed: ${response.status}`);
    const result = await response.json();
    if (mine !== sequence) return last; // a newer check is on its way
    last = result;
    result.asks.forEach((verdict, i) => {
      const row = asks[i];
      if (!row) return;
      const state = row.querySelector("[data-ask-state]");
      row.classList.toggle("answered", verdict.answered);
      row.classList.toggle("unanswered", !verdict.answered && body.value.trim() !== "");
      state.className = "ask-state " + (verdict.answered ? "answered" : "unanswered");
      state.textContent = verdict.answered ? gettextAnswered : gettextUnanswered;
      state.title = (verdict.evidence || []).join(" … ");
    });
    const open = result.asks.filter((a) => !a.answered).length;
    summary.textContent = result.asks.length === 0 ? "" : open === 0
      ? summaryAllAnswered : summaryOpen.replace("%(n)s", String(open));
    summary.dataset.open = String(open);
    return result;
  }

  const gettextAnswered = form.dataset.answered || "answered";
  const gettextUnanswered = form.dataset.unanswered || "not answered";
  const summaryAllAnswered = form.dataset.allAnswered || "Every ask is answered.";
  const summaryOpen = form.dataset.someOpen || "%(n)s ask(s) not answered";

  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => check().catch(() => {}), 500); // debounced: one check per pause
  });

  form.addEventListener("submit", async (event) => {
    if (form.dataset.checked === "yes" || !asks.length) return;
    event.preventDefault();
    clearTimeout(timer);
    let result = null;
    try { result = await check(); } catch (error) { result = null; }
    const open = result ? result.asks.filter((a) => !a.answered) : [];
    if (open.length && !confirmBox.checked) {
      const list = open.map((a) => "• " + a.ask).join("\n");
      const go = window.confirm(`${form.dataset.confirmText}\n\n${list}\n\n${form.dataset.confirmEnd}`);
      if (!go) return;
      confirmBox.checked = true;
    }
    form.dataset.checked = "yes";
    form.submit();
  });

  const canned = form.querySelector("[data-canned]");
  const cannedData = document.getElementById("canned-replies");
  if (canned && cannedData) {
    const replies = JSON.parse(cannedData.textContent);
    canned.addEventListener("change", () => {
      const chosen = replies[Number(canned.value)];
      if (chosen) insertAtCursor(body, chosen.body);
      canned.value = "";
    });
  }
  document.querySelectorAll("[data-insert]").forEach((button) =>
    button.addEventListener("click", () => insertAtCursor(body, button.dataset.insert)));
  if (body.value.trim()) check().catch(() => {});
  return { r: () => body.focus() };
}

document.addEventListener("DOMContentLoaded", () => {
  const keys = { ...setUpInbox(), ...setUpComposer() };
  let pendingG = false;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (pendingG) {
      pendingG = false;
      const views = { i: "mine", u: "unassigned", o: "overdue", s: "due_soon", w: "waiting", a: "open" };
      if (views[event.key]) window.location.href = `/desk/inbox/${views[event.key]}/`;
      return;
    }
    if (event.key === "g") { pendingG = true; return; }
    if (event.key === "/") {
      const search = document.querySelector("[data-shortcut='/']");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  document.documentElement.dataset.deskReady = "yes"; // for tests: the shortcuts listen now
});
