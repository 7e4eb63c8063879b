// H5 chat for phones, old Android WebViews and WeChat's browser: ES5 only, XMLHttpRequest (no
// fetch/Promise), text only (messages are never parsed as HTML). One server-issued session kept in
// localStorage; history and the handoff status restored on reload; staff replies and ticket
// notices polled.
(function () {
  "use strict";
  var KEY = "fayuan_session_id", BIG = "fayuan_large_text";
  var FIRST_SCREEN = ["【结论】", "【先做这一步】"];   // the rest of a card answer waits behind 展开
  var list = document.getElementById("messages");
  var form = document.getElementById("ask");
  var input = document.getElementById("input");
  var send = document.getElementById("send");
  var status = document.getElementById("status");
  var counter = document.getElementById("counter");
  var tooLong = document.getElementById("too-long");
  var ticketBox = document.getElementById("ticket");
  var rate = document.getElementById("rate");
  var rateTitle = document.getElementById("rate-title");
  var rateResult = document.getElementById("rate-result");
  var bigger = document.getElementById("bigger");
  var MAX = parseInt(form.getAttribute("data-max"), 10) || 2000;
  var lastId = 0;        // newest stored message seen
  var busy = false;
  var rated = null;      // the rating given (one per consultation; changed only on purpose)

  function stored(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function forget(key) { try { window.localStorage.removeItem(key); } catch (e) { /* private mode */ } }
  function sessionId() { return stored(KEY); }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    if (body !== null) xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(xhr.status, data);
    };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  // ---- showing messages ------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.appendChild(document.createTextNode(text));
    return node;
  }

  function citationBlock(citations) {
    var box = el("div", "citations");
    box.setAttribute("data-testid", "citations");
    for (var i = 0; i < citations.length; i++) {
      var c = citations[i];
      var d = el("details");
      d.setAttribute("data-testid", "citation");
      d.appendChild(el("summary", "", c.label || (c.law ? c.law + " 第" + c.article_id + "条" : c.case_title + "（" + c.section + "）")));
      var p = el("p", "article", c.text);
      p.setAttribute("data-testid", "citation-text");
      d.appendChild(p);
      box.appendChild(d);
    }
    return box;
  }

  // [first screen, the rest]: a card answer shows 结论 + 先做这一步 at once
  function splitAnswer(text) {
    var lines = text.split("\n");
    var firstSeen = false;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (line.charAt(0) !== "【") continue;
      var onFirst = line.indexOf(FIRST_SCREEN[0]) === 0 || line.indexOf(FIRST_SCREEN[1]) === 0;
      if (onFirst) { firstSeen = true; continue; }
      if (firstSeen && i > 0) return [lines.slice(0, i).join("\n"), lines.slice(i).join("\n")];
    }
    return [text, ""];
  }

  function add(role, text, citations, handoff, intent) {
    var kind = role === "user" ? "user" : role === "staff" ? "staff" : "bot";
    var div = el("div", "msg " + kind + (intent === "handoff_status" ? " notice" : ""));
    div.setAttribute("data-role", role);
    var parts = kind === "bot" ? splitAnswer(text) : [text, ""];
    div.appendChild(document.createTextNode(parts[0]));
    var hasMore = parts[1] || false;
    if (hasMore) {
      var detail = el("div", "detail");
      detail.setAttribute("data-testid", "detail");
      detail.appendChild(document.createTextNode(parts[1]));
      if (citations && citations.length) detail.appendChild(citationBlock(citations));
      detail.style.display = "none";
      var more = el("button", "more", "展开详细说明");
      more.type = "button";
      more.setAttribute("aria-expanded", "false");
      more.setAttribute("data-testid", "more");
      more.onclick = function () {
        var open = detail.style.display === "none";
        detail.style.display = open ? "block" : "none";
        more.setAttribute("aria-expanded", open ? "true" : "false");
        more.firstChild.nodeValue = open ? "收起详细说明" : "展开详细说明";
      };
      div.appendChild(more);
      div.appendChild(detail);
    } else if (citations && citations.length) {
      div.appendChild(citationBlock(citations));
    }
    if (handoff) {
      var note = el("div", "handoff-note", "工单编号 " + handoff.ticket_id);
      note.setAttribute("data-testid", "handoff-note");
      div.appendChild(note);
    }
    list.appendChild(div);
    showLatest();
    return div;
  }

  // the newest message in view: its beginning when it is taller than the list (a long verdict is
  // read from its first line, not from its tail)
  function showLatest() {
    var last = list.lastChild;
    if (!last || last.nodeType !== 1) return;
    list.scrollTop = last.offsetHeight > list.clientHeight ? last.offsetTop - 8 : list.scrollHeight;
  }

  // ---- the handoff as the person sees it -------------------------------------------------------------
  function showTicket(t) {
    if (!t) { ticketBox.hidden = true; rate.hidden = true; return; }
    while (ticketBox.firstChild) ticketBox.removeChild(ticketBox.firstChild);
    ticketBox.appendChild(el("strong", "", "人工服务：" + t.status_text));
    var parts = ["编号 " + t.ticket_id];
    if (t.staff_name) parts.push("工作人员" + t.staff_name);
    else if (t.is_open && t.expected_reply) parts.push("预计" + t.expected_reply + "回复");
    ticketBox.appendChild(el("div", "", parts.join("，")));
    ticketBox.hidden = false;
    rated = t.rating;
    rate.hidden = !t.rating_asked;
    if (t.rating_asked) showRating();
    showLatest();   // the card took room from the list
  }

  function showRating() {
    var buttons = rate.getElementsByTagName("button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", buttons[i].getAttribute("data-rating") === rated ? "true" : "false");
    }
    rateTitle.firstChild.nodeValue = rated ? "您的评价：" + rated + "（点其他选项可以修改）" : "请您评价这次服务：";
  }

  function refreshTicket() {
    var id = sessionId();
    if (!id) return;
    request("GET", "/v1/chat/" + encodeURIComponent(id) + "/handoff", null, function (code, body) {
      if (code === 200 && body) showTicket(body.ticket);
    });
  }

  // ---- asking ----------------------------------------------------------------------------------------
  function setBusy(on, text) {
    busy = on; send.disabled = on;
    status.textContent = text || "";
  }

  function ask(message) {
    if (busy || !message.replace(/\s+/g, "")) return;
    if (message.length > MAX) { showLength(); return; }
    setBusy(true, "正在查找相关法律规定…");
    add("user", message);
    input.value = ""; showLength();
    request("POST", "/v1/chat", { message: message, session_id: sessionId(), channel: "h5" }, function (code, body) {
      setBusy(false);
      if (code === 0) { add("bot", "网络不太好，请稍后再试，或拨打 12348 法律服务热线。"); return; }
      if (code !== 200 || !body) {
        add("bot", body && typeof body.detail === "string" ? body.detail : "请求有误，请换个说法再试。");
        return;
      }
      store(KEY, body.session_id);
      if (!body.silent) add("bot", body.answer, body.citations, body.handoff);
      else status.textContent = "您的话已转给工作人员，请等待回复。";
      if (body.handoff || body.silent) refreshTicket();
      poll();   // mark this turn's stored messages as seen
    });
  }

  function showLength() {
    var n = input.value.length;
    counter.textContent = n + " / " + MAX + " 字";
    var over = n > MAX;
    counter.className = over ? "counter over" : "counter";
    input.className = over ? "over" : "";
    tooLong.hidden = !over;
    if (over) tooLong.textContent = "您写了 " + n + " 字，超过了 " + MAX + " 字，发不出去。请删掉一些，或分成几次发送。";
  }

  // ---- history and polling -----------------------------------------------------------------------------
  function load(everything) {
    var id = sessionId();
    if (!id) return;
    request("GET", "/v1/chat/" + encodeURIComponent(id) + "/messages?after=" + lastId, null, function (code, body) {
      if (code === 404) { if (everything) forget(KEY); return; }
      if (code !== 200 || !body) return;
      for (var i = 0; i < body.messages.length; i++) {
        var m = body.messages[i];
        // on polls, only what others wrote: staff replies and ticket notices
        if (everything || m.role === "staff" || m.intent === "handoff_status") add(m.role, m.text, m.citations, null, m.intent);
        if (!everything && (m.role === "staff" || m.intent === "handoff_status") && status.textContent) status.textContent = "";
        lastId = Math.max(lastId, m.id);
      }
      if (everything || body.messages.length) refreshTicket();
    });
  }
  function poll() { if (!busy) load(false); }

  // ---- controls ----------------------------------------------------------------------------------------
  form.onsubmit = function (e) { e.preventDefault(); ask(input.value); };
  input.oninput = showLength;
  input.onkeyup = showLength;      // some old WebViews fire no input event for IME text
  input.onkeydown = function (e) {
    var composing = e.isComposing || e.keyCode === 229;
    if ((e.key === "Enter" || e.keyCode === 13) && !e.shiftKey && !composing) { e.preventDefault(); ask(input.value); }
  };
  document.getElementById("handoff").onclick = function () { ask("转人工"); };

  function applyBig(on) {
    document.documentElement.className = on ? "large" : "";
    bigger.setAttribute("aria-pressed", on ? "true" : "false");
  }
  bigger.onclick = function () {
    var on = bigger.getAttribute("aria-pressed") !== "true";
    applyBig(on);
    store(BIG, on ? "1" : "0");
  };
  applyBig(stored(BIG) === "1");

  rate.onclick = function (e) {
    var target = e.target || e.srcElement;
    var rating = target && target.getAttribute && target.getAttribute("data-rating");
    if (!rating || !sessionId() || rating === rated) return;
    var change = rated !== null;
    request("POST", "/v1/consultations/" + encodeURIComponent(sessionId()) + "/rating",
            { rating: rating, change: change }, function (code, body) {
      if (code === 200) { rated = rating; showRating(); }
      rateResult.textContent = (body && (body.message || body.detail)) || "评价没有提交成功，请稍后再试。";
    });
  };

  showLength();
  load(true);
  setInterval(poll, 5000);

  // while the server is still embedding articles (/readyz "degraded") answers come from BM25 and
  // the lay vocabulary: say that they improve in a few minutes, until they do
  var warming = document.getElementById("warming");
  var warmingTimer = null;
  function checkWarming() {
    request("GET", "/readyz", null, function (code, body) {
      var degraded = !!body && body.status === "degraded";
      warming.hidden = !degraded;
      if (degraded && warmingTimer === null) warmingTimer = setInterval(checkWarming, 30000);
      if (!degraded && warmingTimer !== null) { clearInterval(warmingTimer); warmingTimer = null; }
    });
  }
  checkWarming();
})();
