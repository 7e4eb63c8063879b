// H5 chat: one session kept in localStorage; history restored on reload; staff replies polled.
(function () {
  "use strict";
  var KEY = "fayuan_session_id";
  var list = document.getElementById("messages");
  var form = document.getElementById("ask");
  var input = document.getElementById("input");
  var send = document.getElementById("send");
  var status = document.getElementById("status");
  var rate = document.getElementById("rate");
  var lastId = 0;        // newest stored message seen (for polling staff replies)
  var busy = false;
  var STATUS = { pending: "等待工作人员接入", assigned: "工作人员处理中", escalated: "已加急", resolved: "已办结",
                 cancelled: "已取消" };

  function sessionId() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function keepSession(id) { try { localStorage.setItem(KEY, id); } catch (e) { /* private mode */ } }

  function citationBlock(citations) {
    var box = document.createElement("div");
    box.className = "citations";
    box.setAttribute("data-testid", "citations");
    citations.forEach(function (c) {
      var d = document.createElement("details");
      d.setAttribute("data-testid", "citation");
      var s = document.createElement("summary");
      s.textContent = c.label || (c.law ? c.law + " 第" + c.article_id + "条" : c.case_title + "（" + c.section + "）");
      var p = document.createElement("p");
      p.className = "article";
      p.setAttribute("data-testid", "citation-text");
      p.textContent = c.text;
      d.appendChild(s);
      d.appendChild(p);
      box.appendChild(d);
    });
    return box;
  }

  function add(role, text, citations, handoff) {
    var div = document.createElement("div");
    div.className = "msg " + (role === "user" ? "user" : role === "staff" ? "staff" : "bot");
    div.setAttribute("data-role", role);
    div.appendChild(document.createTextNode(text));
    if (citations && citations.length) div.appendChild(citationBlock(citations));
    if (handoff) {
      var note = document.createElement("div");
      note.className = "handoff-note";
      note.setAttribute("data-testid", "handoff-note");
      note.textContent = "已转人工（编号 " + handoff.ticket_id + "，" + (STATUS[handoff.status] || handoff.status) + "）";
      div.appendChild(note);
    }
    list.appendChild(div);
    list.scrollTop = list.scrollHeight;
    return div;
  }

  function ask(message) {
    if (busy || !message.trim()) return;
    busy = true; send.disabled = true; status.textContent = "正在查找相关法律规定…";
    add("user", message);
    fetch("/v1/chat", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message: message, session_id: sessionId(), channel: "h5" })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { add("bot", typeof res.body.detail === "string" ? res.body.detail : "请求有误，请换个说法再试。"); return; }
      keepSession(res.body.session_id);
      if (!res.body.silent) add("bot", res.body.answer, res.body.citations, res.body.handoff);
      else status.textContent = "工作人员正在处理，请稍候。";
      rate.hidden = false;
    }).catch(function () {
      add("bot", "网络不太好，请稍后再试，或拨打 12348 法律服务热线。");
    }).then(function () {
      busy = false; send.disabled = false;
      if (status.textContent.indexOf("正在") === 0) status.textContent = "";
    });
  }

  function load(onlyStaff) {
    var id = sessionId();
    if (!id) return Promise.resolve();
    return fetch("/v1/chat/" + encodeURIComponent(id) + "/messages?after=" + lastId).then(function (r) {
      if (r.status === 404) { if (!onlyStaff) try { localStorage.removeItem(KEY); } catch (e) {} return null; }
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (!body) return;
      if (body.messages.length) rate.hidden = false;
      body.messages.forEach(function (m) {
        if (!onlyStaff || m.role === "staff") add(m.role, m.text, m.citations);
        lastId = Math.max(lastId, m.id);
      });
    }).catch(function () { /* offline: try again on the next poll */ });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var message = input.value;
    input.value = "";
    ask(message);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("handoff").addEventListener("click", function () { ask("转人工"); });
  // 满意 / 基本满意 / 不满意 for the consultation records (monthly report)
  rate.addEventListener("click", function (e) {
    var rating = e.target.getAttribute && e.target.getAttribute("data-rating");
    if (!rating || !sessionId()) return;
    fetch("/v1/consultations/" + encodeURIComponent(sessionId()) + "/rating", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rating: rating })
    }).then(function (r) { return r.json(); }).then(function (body) {
      rate.textContent = body.message || body.detail || "感谢您的评价！";
    }).catch(function () { rate.textContent = "评价没有提交成功，请稍后再试。"; });
  });

  // while the server is still embedding articles (/readyz "degraded") answers come from BM25 and
  // the lay vocabulary: say that they improve in a few minutes, until they do
  var warming = document.getElementById("warming");
  function checkWarming() {
    return fetch("/readyz").then(function (r) { return r.json(); }).then(function (body) {
      warming.hidden = body.status !== "degraded";
      return body.status === "degraded";
    }).catch(function () { return false; });
  }
  checkWarming().then(function (degraded) {
    if (!degraded) return;
    var timer = setInterval(function () {
      checkWarming().then(function (still) { if (!still) clearInterval(timer); });
    }, 30000);
  });

  load(false).then(function () {
    setInterval(function () { if (!busy) load(true); }, 5000);
  });
})();
