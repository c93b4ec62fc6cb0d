// answerdesk live chat widget: one script tag, no other resource, works on any page.
//   <script src="https://support.example.com/chat/widget.js" defer></script>
// Everything the visitor or the agent typed is put on the page with textContent, never
// as HTML. The widget lives in a shadow root so the host page's styles leave it alone.
(function () {
  "use strict";
  const CONFIG = __ANSWERDESK_CHAT_CONFIG__;
  const script = document.currentScript;
  if (!script || window.__answerdeskChat) return;
  window.__answerdeskChat = true;
  const BASE = new URL(script.src, location.href);
  const SOCKET_URL = (BASE.protocol === "https:" ? "wss://" : "ws://") + BASE.host + "/ws/chat/visitor/";
  const T = CONFIG.strings;
  const KEY = "answerdesk-chat:" + BASE.host;

  // --- storage: the chat's token survives page changes (not in every browser mode) ----------
  const memory = {};
  const store = {
    get(name) {
      try { return window.localStorage.getItem(KEY + ":" + name); } catch (e) { return memory[name] || null; }
    },
    set(name, value) {
      try {
        if (value === null) window.localStorage.removeItem(KEY + ":" + name);
        else window.localStorage.setItem(KEY + ":" + name, value);
      } catch (e) {
        if (value === null) delete memory[name]; else memory[name] = value;
      }
    },
  };

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => (values && key in values ? String(values[key]) : ""));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  // --- the page -------------------------------------------------------------------------------
  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0;
      border-radius: 24px; padding: 12px 18px; background: #1f5fa8; color: #fff; font-size: 15px;
      cursor: pointer; box-shadow: 0 2px 10px rgba(0,0,0,.25); }
    .launcher .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
      margin-right: 8px; background: #9aa5b1; }
    .launcher .dot.on { background: #3ddc84; }
    .panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; width: 360px;
      max-width: calc(100vw - 24px); height: 520px; max-height: calc(100vh - 40px);
      display: flex; flex-direction: column; background: #fff; color: #1b1f24;
      border-radius: 12px; box-shadow: 0 6px 30px rgba(0,0,0,.3); overflow: hidden; font-size: 14px; }
    .panel[hidden], .launcher[hidden], [hidden] { display: none !important; }
    header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #1f5fa8; color: #fff; }
    header h2 { flex: 1; margin: 0; font-size: 16px; }
    header button { background: transparent; color: #fff; border: 0; font-size: 20px; cursor: pointer; }
    .status { padding: 8px 14px; font-size: 13px; background: #eef3f9; color: #33475b; }
    .body { flex: 1; overflow-y: auto; padding: 10px 14px; }
    .log { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
    .line { max-width: 85%; padding: 8px 10px; border-radius: 10px; white-space: pre-wrap;
      overflow-wrap: anywhere; }
    .line .who { display: block; font-size: 11px; opacity: .7; margin-bottom: 2px; }
    .line.visitor { align-self: flex-end; background: #1f5fa8; color: #fff; }
    .line.agent { align-self: flex-start; background: #eef0f3; }
    .line.pending { opacity: .6; }
    .line.failed { background: #b3261e; color: #fff; }
    .line .why { display: block; font-size: 12px; margin-top: 4px; }
    .notice { align-self: center; font-size: 12px; color: #5b6770; text-align: center; }
    .typing { min-height: 18px; padding: 0 14px; font-size: 12px; color: #5b6770; }
    form.intro { display: flex; flex-direction: column; gap: 8px; }
    label { font-size: 13px; display: flex; flex-direction: column; gap: 3px; }
    input, textarea { font-size: 14px; padding: 7px 8px; border: 1px solid #b8c2cc; border-radius: 6px; width: 100%; }
    textarea { resize: none; }
    button.primary { background: #1f5fa8; color: #fff; border: 0; border-radius: 6px; padding: 9px 12px;
      font-size: 14px; cursor: pointer; }
    button.link { background: none; border: 0; color: #1f5fa8; text-decoration: underline; cursor: pointer;
      font-size: 12px; padding: 0; }
    .error { color: #b3261e; font-size: 13px; }
    footer { border-top: 1px solid #e1e6eb; padding: 8px 10px; display: flex; flex-direction: column; gap: 6px; }
    footer .row { display: flex; gap: 6px; align-items: flex-end; }
  `;

  const host = el("div", { id: "answerdesk-chat" });
  const root = host.attachShadow({ mode: "open" });
  const style = el("style", { text: STYLE });
  const dot = el("span", { class: "dot" });
  const launcher = el("button", { class: "launcher", type: "button", "data-testid": "chat-launcher" },
    [dot, el("span", { text: T.open })]);
  const title = el("h2", { text: T.title });
  const closeButton = el("button", { type: "button", "aria-label": T.close, title: T.close, text: "×" });
  const status = el("p", { class: "status", role: "status", "data-testid": "chat-status", text: T.connecting });
  const log = el("ol", { class: "log", "aria-live": "polite", "data-testid": "chat-log" });
  const formError = el("p", { class: "error", role: "alert", hidden: "" });
  const intro = el("form", { class: "intro", "data-testid": "chat-intro", hidden: "" });
  const body = el("div", { class: "body" }, [log, intro]);
  const typing = el("p", { class: "typing", "aria-live": "polite" });
  const input = el("textarea", { rows: "2", placeholder: T.placeholder, "aria-label": T.placeholder,
    maxlength: String(CONFIG.maxChars), "data-testid": "chat-input" });
  const sendButton = el("button", { class: "primary", type: "submit", text: T.send });
  const endButton = el("button", { class: "link", type: "button", text: T.end });
  const composer = el("form", {}, [el("div", { class: "row" }, [input, sendButton])]);
  const footer = el("footer", { hidden: "" }, [composer, endButton]);
  const panel = el("section", { class: "panel", role: "dialog", "aria-label": T.title, hidden: "",
    "data-testid": "chat-panel" },
    [el("header", {}, [title, closeButton]), status, body, typing, footer]);
  root.append(style, launcher, panel);

  // --- state ------------------------------------------------------------------------------------
  let socket = null;
  let retry = 0;
  let heartbeat = null;
  let agentsOnline = false;
  let chat = null; // {status, reference} once the visitor is in a chat
  let counter = 0;
  let typingSent = 0;
  let typingTimer = null;
  let agentTypingTimer = null;
  const pending = new Map(); // ref -> <li>

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function scrollDown() { body.scrollTop = body.scrollHeight; }

  function notice(text) {
    log.appendChild(el("li", { class: "notice", text }));
    scrollDown();
  }

  function addLine(line) {
    const existing = line.ref ? pending.get(line.ref) : null;
    if (existing) {
      existing.classList.remove("pending");
      existing.dataset.id = String(line.id);
      pending.delete(line.ref);
      return;
    }
    if (line.id && log.querySelector(`[data-id="${Number(line.id)}"]`)) return;
    const who = line.from === "agent" ? (line.name || T.agent) : T.you;
    const item = el("li", { class: "line " + (line.from === "agent" ? "agent" : "visitor") },
      [el("span", { class: "who", text: who }), el("span", { class: "text", text: line.text })]);
    if (line.id) item.dataset.id = String(line.id);
    log.appendChild(item);
    scrollDown();
    return item;
  }

  function field(name, label, type, required) {
    const control = type === "textarea"
      ? el("textarea", { name, rows: "3", maxlength: String(CONFIG.maxChars) })
      : el("input", { name, type, autocomplete: name === "email" ? "email" : name === "name" ? "name" : "off" });
    if (required) control.setAttribute("required", "");
    return el("label", {}, [el("span", { text: label }), control]);
  }

  function showIntro() {
    // No chat yet: start one if an agent is online, else leave a message.
    const values = {};
    for (const control of intro.querySelectorAll("input, textarea")) values[control.name] = control.value;
    intro.replaceChildren();
    intro.append(field("name", T.name, "text", false), field("email", T.email, "email", true));
    if (!agentsOnline) intro.append(field("subject", T.subject, "text", false));
    intro.append(field("text", T.first, "textarea", true), formError,
      el("button", { class: "primary", type: "submit", text: agentsOnline ? T.start : T.leave }));
    for (const control of intro.querySelectorAll("input, textarea")) {
      if (values[control.name]) control.value = values[control.name];
    }
    intro.dataset.mode = agentsOnline ? "start" : "leave";
    intro.hidden = false;
    footer.hidden = true;
  }

  function render() {
    dot.classList.toggle("on", agentsOnline);
    if (chat && chat.status !== "ended") {
      intro.hidden = true;
      footer.hidden = false;
      status.textContent = chat.status === "waiting" ? format(T.waiting, chat) : T.online;
    } else if (chat) {
      intro.hidden = true;
      footer.hidden = true;
      status.textContent = T.ended;
    } else {
      status.textContent = agentsOnline ? T.online : T.offline;
      showIntro();
    }
  }

  function showError(text, ref) {
    const item = ref ? pending.get(ref) : null;
    if (item) {
      item.classList.remove("pending");
      item.classList.add("failed");
      item.appendChild(el("span", { class: "why", text: T.failed + ": " + text }));
      pending.delete(ref);
    } else if (!intro.hidden) {
      formError.textContent = text;
      formError.hidden = false;
    } else {
      notice(text);
    }
  }

  // --- the socket -------------------------------------------------------------------------------
  function connect() {
    if (socket) return;
    status.textContent = T.connecting;
    socket = new WebSocket(SOCKET_URL);
    socket.addEventListener("open", () => {
      retry = 0;
      send({ type: "hello", token: store.get("token"), language: CONFIG.language });
      clearInterval(heartbeat);
      heartbeat = setInterval(() => send({ type: "ping" }), CONFIG.heartbeat);
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      receive(frame);
    });
    socket.addEventListener("close", () => {
      socket = null;
      clearInterval(heartbeat);
      if (panel.hidden && !store.get("token")) return; // nobody is waiting on it
      status.textContent = T.disconnected;
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** retry);
    });
  }

  function receive(frame) {
    switch (frame.type) {
      case "welcome":
        agentsOnline = Boolean(frame.agents_online);
        if (frame.forget) store.set("token", null);
        log.replaceChildren();
        pending.clear();
        chat = frame.chat;
        if (chat) for (const line of chat.lines) addLine(line);
        if (chat && chat.status === "ended") { notice(T.ended); store.set("token", null); }
        render();
        break;
      case "presence":
        agentsOnline = Boolean(frame.agents_online);
        render();
        break;
      case "started":
        store.set("token", frame.token);
        chat = { status: "waiting", reference: frame.reference };
        intro.reset();
        render();
        break;
      case "line":
        if (frame.line.from === "agent") {
          typing.textContent = "";
          if (chat && chat.status === "waiting") { chat.status = "active"; render(); }
        }
        addLine(frame.line);
        break;
      case "typing":
        typing.textContent = frame.on ? format(T.typing, { name: frame.name || T.agent }) : "";
        clearTimeout(agentTypingTimer);
        if (frame.on) agentTypingTimer = setTimeout(() => { typing.textContent = ""; }, 6000);
        break;
      case "joined":
        if (chat) chat.status = "active";
        notice(format(T.joined, { name: frame.name || T.agent }));
        render();
        break;
      case "ended":
        if (chat) chat.status = "ended";
        store.set("token", null);
        notice(T.ended);
        log.appendChild(el("li", { class: "notice" }, [againButton()]));
        render();
        break;
      case "left":
        intro.hidden = true;
        store.set("open", null);
        notice(frame.reference ? format(T.left, { reference: frame.reference }) : T.left_later);
        break;
      case "error":
        showError(frame.message, frame.ref);
        break;
    }
  }

  function againButton() {
    const button = el("button", { class: "link", type: "button", text: T.again });
    button.addEventListener("click", () => {
      chat = null;
      log.replaceChildren();
      render();
    });
    return button;
  }

  // --- what the visitor does --------------------------------------------------------------------
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    store.set("open", "1");
    connect();
    setTimeout(() => (chat ? input : intro.querySelector("input"))?.focus(), 0);
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", () => {
    panel.hidden = true;
    launcher.hidden = false;
    store.set("open", null);
  });

  intro.addEventListener("submit", (event) => {
    event.preventDefault();
    formError.hidden = true;
    const data = Object.fromEntries(new FormData(intro).entries());
    const ref = "r" + ++counter;
    if (intro.dataset.mode === "start") {
      const item = addLine({ from: "visitor", text: String(data.text || "").trim(), ref });
      if (item) { item.classList.add("pending"); pending.set(ref, item); }
      if (!send({ type: "start", name: data.name, email: data.email, text: data.text, ref })) showError(T.disconnected, ref);
    } else if (!send({ type: "leave_message", name: data.name, email: data.email, subject: data.subject, text: data.text })) {
      showError(T.disconnected);
    }
  });

  function sendLine() {
    const text = input.value.trim();
    if (!text) return;
    const ref = "r" + ++counter;
    const item = addLine({ from: "visitor", text, ref });
    item.classList.add("pending");
    pending.set(ref, item);
    input.value = "";
    typingSent = 0;
    if (!send({ type: "message", text, ref })) showError(T.disconnected, ref);
    else send({ type: "typing", on: false });
  }

  composer.addEventListener("submit", (event) => { event.preventDefault(); sendLine(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendLine(); }
  });
  input.addEventListener("input", () => {
    // At most one "typing" every 2 s, and "stopped" after 4 s without a key.
    const now = Date.now();
    if (now - typingSent > 2000) { typingSent = now; send({ type: "typing", on: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingSent = 0; send({ type: "typing", on: false }); }, 4000);
  });
  endButton.addEventListener("click", () => send({ type: "end" }));

  function mount() {
    document.body.appendChild(host);
    // Back in a chat (another page of the site): reconnect at once.
    if (store.get("open") || store.get("token")) {
      if (store.get("open")) open(); else connect();
    }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
