// answerdesk desk: the chats page. One websocket to /ws/chat/agent/; the server checks every
// chat against the desk's access rules. What visitors typed goes in with textContent only.
"use strict";

(function () {
  const page = document.querySelector("[data-chats]");
  if (!page) return;
  const T = JSON.parse(document.getElementById("chat-strings").textContent);
  const $ = (selector) => page.querySelector(selector);
  const list = $("[data-chat-list]");
  const none = $("[data-chat-none]");
  const pick = $("[data-chat-pick]");
  const opened = $("[data-chat-open]");
  const log = $("[data-chat-log]");
  const typing = $("[data-chat-typing]");
  const asks = $("[data-chat-asks]");
  const noAsks = $("[data-chat-no-asks]");
  const composer = $("[data-chat-composer]");
  const input = composer.querySelector("textarea");
  const takeButton = $("[data-chat-take]");
  const endButton = $("[data-chat-end]");
  const connection = document.querySelector("[data-connection]");
  const ticketUrl = page.dataset.ticketUrl;

  const chats = new Map(); // id -> summary
  const unread = new Set();
  const pending = new Map(); // ref -> <li>
  let current = null;
  let socket = null;
  let retry = 0;
  let heartbeat = null;
  let counter = 0;
  let typingSent = 0;
  let typingTimer = null;
  let visitorTypingTimer = null;
  const wanted = Number(new URLSearchParams(location.search).get("chat")) || null;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => (values && key in values ? String(values[key]) : ""));
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // --- the list -------------------------------------------------------------------------------
  function renderList() {
    list.replaceChildren();
    const rows = Array.from(chats.values()).filter((c) => c.status !== "ended");
    rows.sort((a, b) => (a.status === b.status ? a.since.localeCompare(b.since) : a.status === "waiting" ? -1 : 1));
    for (const chat of rows) {
      const dot = el("span", { class: "dot" + (chat.visitor_online ? " on" : "") });
      const sub = [chat.status === "waiting" ? T.waiting : format(T.taken_by, { name: chat.agent }), chat.subject].join(" · ");
      const button = el("button", { type: "button", "data-chat": String(chat.chat) }, [
        el("span", { class: "chat-title" }, [dot, document.createTextNode(chat.name || chat.email)]),
        el("span", { class: "chat-sub", text: sub }),
      ]);
      button.addEventListener("click", () => openChat(chat.chat));
      const item = el("li", { "data-status": chat.status }, [button]);
      if (chat.chat === current) item.classList.add("current");
      if (unread.has(chat.chat)) item.classList.add("unread");
      list.appendChild(item);
    }
    none.hidden = rows.length > 0;
    const waiting = rows.filter((c) => c.status === "waiting").length;
    document.title = (waiting ? `(${waiting}) ` : "") + document.title.replace(/^\(\d+\) /, "");
  }

  // --- the conversation -----------------------------------------------------------------------
  function renderHead() {
    const chat = chats.get(current);
    if (!chat) return;
    $("[data-chat-name]").textContent = chat.name || chat.email;
    $("[data-chat-email]").textContent = chat.email;
    const link = $("[data-chat-ticket]");
    link.textContent = chat.reference;
    link.href = ticketUrl.replace("/0/", `/${chat.ticket}/`);
    const presence = $("[data-chat-presence]");
    presence.textContent = chat.visitor_online ? T.visitor_online : T.visitor_offline;
    presence.classList.toggle("on", chat.visitor_online);
    takeButton.hidden = chat.status !== "waiting";
    endButton.hidden = chat.status === "ended";
    composer.hidden = chat.status === "ended";
  }

  function addLine(line) {
    const mine = line.ref ? pending.get(line.ref) : null;
    if (mine) {
      mine.classList.remove("pending");
      pending.delete(line.ref);
    } else {
      const who = line.from === "agent" ? line.name : (line.name || chats.get(line.chat)?.email || "");
      log.appendChild(el("li", { class: line.from }, [
        el("span", { class: "who", text: who }), el("span", { class: "text", text: line.text }),
      ]));
    }
    for (const ask of line.asks || []) addAsk(ask);
    log.scrollTop = log.scrollHeight;
  }

  function addAsk(text) {
    // Ticked off by the agent as they answer; the ticket page checks replies for real.
    const box = el("input", { type: "checkbox" });
    asks.appendChild(el("li", { "data-ask": "" }, [el("label", {}, [box, el("span", { text })])]));
    noAsks.hidden = true;
  }

  function notice(text) {
    log.appendChild(el("li", { class: "notice", text }));
    log.scrollTop = log.scrollHeight;
  }

  function openChat(id) {
    if (current && current !== id) send({ type: "close", chat: current });
    current = id;
    unread.delete(id);
    log.replaceChildren();
    asks.replaceChildren();
    noAsks.hidden = false;
    pending.clear();
    typing.textContent = "";
    pick.hidden = true;
    opened.hidden = false;
    send({ type: "open", chat: id });
    renderHead();
    renderList();
    const url = new URL(location.href);
    url.searchParams.set("chat", String(id));
    history.replaceState(null, "", url);
  }

  function closePane() {
    current = null;
    opened.hidden = true;
    pick.hidden = false;
    asks.replaceChildren();
    noAsks.hidden = false;
  }

  // --- the socket -----------------------------------------------------------------------------
  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/agent/");
    socket.addEventListener("open", () => {
      retry = 0;
      connection.textContent = "";
      connection.classList.remove("down");
      clearInterval(heartbeat);
      heartbeat = setInterval(() => send({ type: "ping" }), 25000);
    });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      clearInterval(heartbeat);
      connection.textContent = T.disconnected;
      connection.classList.add("down");
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** retry);
    });
  }

  function receive(frame) {
    switch (frame.type) {
      case "chats":
        chats.clear();
        for (const chat of frame.chats) chats.set(chat.chat, chat);
        renderList();
        if (current && chats.has(current)) openChat(current);
        else if (wanted && chats.has(wanted) && !current) openChat(wanted);
        document.documentElement.dataset.chatReady = "yes";
        break;
      case "listed":
        chats.set(frame.chat.chat, frame.chat);
        renderList();
        if (frame.chat.chat === current) renderHead();
        break;
      case "unlisted":
        chats.delete(frame.chat);
        renderList();
        if (frame.chat === current) closePane();
        break;
      case "transcript":
        if (frame.chat.chat !== current) break;
        chats.set(current, frame.chat);
        log.replaceChildren();
        for (const line of frame.lines) addLine(line);
        renderHead();
        input.focus();
        break;
      case "line":
        if (frame.line.chat === current) {
          if (frame.line.from === "visitor") typing.textContent = "";
          addLine(frame.line);
        } else {
          unread.add(frame.line.chat);
          renderList();
        }
        break;
      case "typing":
        if (frame.chat !== current) break;
        typing.textContent = frame.on ? T.typing : "";
        clearTimeout(visitorTypingTimer);
        if (frame.on) visitorTypingTimer = setTimeout(() => { typing.textContent = ""; }, 6000);
        break;
      case "joined":
        if (frame.chat === current) notice(format(T.taken_by, { name: frame.name }));
        break;
      case "ended":
        if (frame.chat === current) {
          notice(T.ended);
          const chat = chats.get(current);
          if (chat) chat.status = "ended";
          renderHead();
        }
        break;
      case "error": {
        const item = frame.ref ? pending.get(frame.ref) : null;
        if (item) {
          item.classList.replace("pending", "failed");
          item.appendChild(el("span", { class: "who", text: T.failed + ": " + frame.message }));
          pending.delete(frame.ref);
        } else if (current) {
          notice(frame.message);
        }
        break;
      }
    }
  }

  // --- what the agent does --------------------------------------------------------------------
  function sendLine() {
    const text = input.value.trim();
    if (!text || !current) return;
    const ref = "a" + ++counter;
    const item = el("li", { class: "agent pending" }, [el("span", { class: "text", text })]);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    pending.set(ref, item);
    input.value = "";
    typingSent = 0;
    if (send({ type: "message", chat: current, text, ref })) send({ type: "typing", chat: current, on: false });
    else item.classList.replace("pending", "failed");
  }

  composer.addEventListener("submit", (event) => { event.preventDefault(); sendLine(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendLine(); }
  });
  input.addEventListener("input", () => {
    if (!current) return;
    const now = Date.now();
    if (now - typingSent > 2000) { typingSent = now; send({ type: "typing", chat: current, on: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingSent = 0; send({ type: "typing", chat: current, on: false }); }, 4000);
  });
  takeButton.addEventListener("click", () => send({ type: "take", chat: current }));
  endButton.addEventListener("click", () => send({ type: "end", chat: current }));

  connect();
})();
