// The attempt page (答题): one question per screen or all of them, the answer sheet (答题卡), the server's timer,
// and every answer saved as soon as it is given. Answers not yet confirmed by the server are kept in
// localStorage and resent (after a network drop, or after a reload); the page submits itself when time is up.
// The page holds no answer key: the server sends it only after the attempt is finished.
(function () {
  "use strict";
  var root = document.getElementById("qz-attempt");
  var stateNode = document.getElementById("qz-state");
  if (!root || !stateNode) { return; }
  var state = JSON.parse(stateNode.textContent);
  var csrf = root.getAttribute("data-csrf");
  var storeKey = "suzhi.quiz." + state.attempt;
  var placeKey = storeKey + ".at";
  var modeKey = "suzhi.quiz.mode";
  var questions = Array.prototype.slice.call(root.querySelectorAll(".qz-q"));
  var cells = Array.prototype.slice.call(root.querySelectorAll(".qz-cell[data-goto]"));
  var timer = root.querySelector(".qz-timer");
  var saveState = root.querySelector(".qz-save");
  var closingNote = root.querySelector(".qz-closing");
  var form = root.querySelector(".qz-paper");

  var pending = readStore();     // slot -> {r: response or null, s: sequence}: given but not yet confirmed
  var sequence = 0;
  var inflight = {};             // slot -> sequence on its way (one request per slot at a time, in order)
  var debounce = {};
  var retryTimer = null;
  var retryDelay = 2000;
  var trouble = "";              // "", "offline" or "login": why the pending answers are not through yet
  var refused = {};              // slot -> the server's message: an answer it will never take (422)
  var submitting = false;
  var finished = false;
  var current = 0;
  var endAt = Date.now() + state.remaining * 1000;

  Object.keys(pending).forEach(function (slot) { sequence = Math.max(sequence, pending[slot].s || 0); });

  function text(name) { return root.getAttribute("data-t-" + name) || ""; }

  function readStore() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }

  function writeStore() {
    try {
      if (Object.keys(pending).length) { window.localStorage.setItem(storeKey, JSON.stringify(pending)); }
      else { window.localStorage.removeItem(storeKey); }
    } catch (e) { /* private mode: the answers still go to the server */ }
  }

  function question(slot) { return root.querySelector('.qz-q[data-slot="' + slot + '"]'); }

  // The response as the API takes it, in display positions; null clears the answer.
  function readResponse(q) {
    var type = q.getAttribute("data-type");
    if (type === "single" || type === "multiple") {
      var choices = [];
      q.querySelectorAll("input[data-choice]").forEach(function (input) {
        if (input.checked) { choices.push(parseInt(input.value, 10)); }
      });
      return choices.length ? { choices: choices } : null;
    }
    if (type === "true_false") {
      var checked = q.querySelector("input[data-truth]:checked");
      return checked ? { value: checked.value === "true" } : null;
    }
    if (type === "fill_in") {
      var blanks = [];
      var any = false;
      q.querySelectorAll("input[data-blank]").forEach(function (input) {
        blanks.push(input.value);
        if (input.value.trim()) { any = true; }
      });
      return any ? { blanks: blanks } : null;
    }
    var area = q.querySelector("textarea[data-text]");
    return area && area.value.trim() ? { text: area.value } : null;
  }

  function writeResponse(q, response) {
    var r = response || {};
    q.querySelectorAll("input[data-choice]").forEach(function (input) {
      input.checked = (r.choices || []).indexOf(parseInt(input.value, 10)) >= 0;
    });
    q.querySelectorAll("input[data-truth]").forEach(function (input) {
      input.checked = r.value !== undefined && r.value !== null && String(r.value) === input.value;
    });
    q.querySelectorAll("input[data-blank]").forEach(function (input, i) { input.value = (r.blanks || [])[i] || ""; });
    var area = q.querySelector("textarea[data-text]");
    if (area) { area.value = r.text || ""; }
  }

  // Progress and the answer sheet.
  function refreshProgress() {
    var answered = 0;
    questions.forEach(function (q, i) {
      var done = readResponse(q) !== null;
      if (done) { answered += 1; }
      if (cells[i]) {
        cells[i].classList.toggle("qz-done", done);
        if (i === current) { cells[i].setAttribute("aria-current", "step"); } else { cells[i].removeAttribute("aria-current"); }
      }
    });
    root.querySelector(".qz-answered").textContent = String(answered);
    return answered;
  }

  function showSaveState() {
    var waiting = Object.keys(pending).length > 0;
    var name = waiting ? (trouble === "offline" ? "unsaved" : (trouble || "saving"))
      : (Object.keys(refused).length ? "problem" : "saved");
    saveState.setAttribute("data-state", name);
    saveState.setAttribute("data-pending", String(Object.keys(pending).length));
    saveState.textContent = text(name);
  }

  // Saving.
  function give(slot, delay) {
    sequence += 1;
    pending[slot] = { r: readResponse(question(slot)), s: sequence };
    writeStore();
    refreshProgress();
    showSaveState();
    clearTimeout(debounce[slot]);
    if (delay) { debounce[slot] = setTimeout(function () { send(slot); }, delay); } else { send(slot); }
  }

  function send(slot) {
    var entry = pending[slot];
    if (!entry || inflight[slot] !== undefined || finished) { return; }
    inflight[slot] = entry.s;
    request("PUT", state.save_url + slot, { response: entry.r }).then(function (out) {
      delete inflight[slot];
      if (out.status === 200) {
        if (pending[slot] && pending[slot].s === entry.s) { delete pending[slot]; writeStore(); }
        delete refused[slot];
        trouble = "";
        retryDelay = 2000;
        sync(out.body.remaining_seconds);
        // Keeps base suzhi.js's idle-logout timer in step: the server slid the session's expiry.
        document.dispatchEvent(new CustomEvent("htmx:afterRequest"));
        send(slot);  // a newer answer given while this one travelled
      } else if (out.status === 409) {
        finish();  // submitted elsewhere, or time ran out on the server
      } else if (out.status === 422) {
        // Never going to be taken as it is: say so, and keep the rest of the queue moving.
        if (pending[slot] && pending[slot].s === entry.s) { delete pending[slot]; writeStore(); }
        refused[slot] = (out.body && out.body.message) || "";
        saveState.title = refused[slot];
      } else {
        // Logged out, or logged in as someone else (404): keep the answer and try again later.
        trouble = [401, 403, 404].indexOf(out.status) >= 0 ? "login" : "offline";
        retryLater();
      }
      showSaveState();
    });
  }

  function request(method, url, body) {
    return window.fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json || {} };
      });
    }, function () { return { status: 0, body: {} }; });
  }

  function flush() { Object.keys(pending).forEach(send); }

  function retryLater() {
    if (retryTimer || finished) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  window.addEventListener("online", function () { retryDelay = 2000; flush(); });

  // The server's timer.
  function sync(remaining) { if (typeof remaining === "number") { endAt = Date.now() + remaining * 1000; } }

  function secondsLeft() { return Math.max(0, Math.round((endAt - Date.now()) / 1000)); }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (m < 10 ? "0" : "") + m;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function tick() {
    var left = secondsLeft();
    timer.textContent = clock(left);
    timer.setAttribute("data-left", String(left));
    timer.classList.toggle("qz-timer-low", left <= 60);
    if (left <= 0 && !finished) { submit(true); }
  }

  // Submitting (交卷): wait for every given answer to reach the server, then submit once.
  function submit(timeUp) {
    closingNote.hidden = false;
    closingNote.textContent = text(timeUp ? "time-up" : "waiting");
    if (submitting) { return; }
    submitting = true;
    root.classList.add("qz-submitting");
    // Nothing given from now on could reach the paper: choices are disabled, text boxes read-only.
    questions.forEach(function (q) {
      q.querySelectorAll("input[data-choice], input[data-truth]").forEach(function (input) { input.disabled = true; });
      q.querySelectorAll("input[data-blank], textarea").forEach(function (input) { input.readOnly = true; });
    });
    var started = Date.now();
    (function wait() {
      if (finished) { return; }
      Object.keys(debounce).forEach(function (slot) { clearTimeout(debounce[slot]); });
      if (!retryTimer) { flush(); }  // while the network is down, resend at the retry pace only
      var late = secondsLeft() <= 0 && Date.now() - started > 4000;
      // Past the deadline the server takes answers for a few seconds only: then submit what it has.
      if (Object.keys(pending).length && !late) { setTimeout(wait, 300); return; }
      closingNote.textContent = text(secondsLeft() <= 0 ? "time-up" : "submitting");
      request("POST", state.submit_url).then(function (out) {
        if (out.status === 200 || out.status === 409 || out.status === 404) { finish(); } else { setTimeout(wait, 3000); }
      });
    })();
  }

  function finish() {
    finished = true;
    pending = {};
    writeStore();
    try { window.localStorage.removeItem(placeKey); } catch (e) { /* nothing kept */ }
    window.location.assign(state.result_url);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submitting) { return; }
    var missing = questions.length - refreshProgress();
    var ask = missing ? text("confirm-some").replace("{n}", String(missing)) : text("confirm-all");
    if (window.confirm(ask)) { submit(false); }
  });

  // Answers as they are given: choices at once, typing after a pause (and at once on leaving the box).
  root.addEventListener("change", function (event) {
    var q = event.target.closest(".qz-q");
    if (q && !submitting) { give(q.getAttribute("data-slot"), 0); }
  });
  root.addEventListener("input", function (event) {
    var q = event.target.closest(".qz-q");
    if (q && !submitting && event.target.matches("input[data-blank], textarea[data-text]")) {
      give(q.getAttribute("data-slot"), 800);
    }
  });

  // One question per screen, or all of them; the answer sheet jumps to a question.
  function place(index, scroll) {
    current = Math.max(0, Math.min(questions.length - 1, index));
    questions.forEach(function (q, i) { q.classList.toggle("qz-current", i === current); });
    root.querySelector(".qz-prev").disabled = current === 0;
    root.querySelector(".qz-next").disabled = current === questions.length - 1;
    root.querySelector(".qz-where").textContent = (current + 1) + " / " + questions.length;
    try { window.localStorage.setItem(placeKey, String(current)); } catch (e) { /* fine */ }
    refreshProgress();
    if (scroll && questions[current]) {
      var target = root.classList.contains("qz-one") ? root : questions[current];
      target.scrollIntoView({ block: "start" });
    }
  }

  function setMode(one) {
    root.classList.toggle("qz-one", one);
    root.querySelector(".qz-mode").textContent = text(one ? "all" : "one");
    root.querySelector(".qz-nav").hidden = !one;
    try { window.localStorage.setItem(modeKey, one ? "one" : "all"); } catch (e) { /* fine */ }
  }

  root.querySelector(".qz-prev").addEventListener("click", function () { place(current - 1, true); });
  root.querySelector(".qz-next").addEventListener("click", function () { place(current + 1, true); });
  root.querySelector(".qz-mode").addEventListener("click", function () {
    setMode(!root.classList.contains("qz-one"));
    place(current, true);
  });
  var card = root.querySelector(".qz-card");
  var cardToggle = root.querySelector(".qz-card-toggle");
  cardToggle.addEventListener("click", function () {
    card.hidden = !card.hidden;
    cardToggle.setAttribute("aria-expanded", String(!card.hidden));
  });
  card.addEventListener("click", function (event) {
    var cell = event.target.closest("[data-goto]");
    if (!cell) { return; }
    card.hidden = true;
    cardToggle.setAttribute("aria-expanded", "false");
    place(parseInt(cell.getAttribute("data-goto"), 10), true);
  });

  // Start: what the server has is on the page already; answers this phone gave but never got confirmed win.
  Object.keys(pending).forEach(function (slot) {
    var q = question(slot);
    if (q) { writeResponse(q, pending[slot].r); } else { delete pending[slot]; }
  });
  writeStore();
  root.querySelector(".qz-tools").hidden = false;
  var mode = "one";
  try { mode = window.localStorage.getItem(modeKey) || "one"; } catch (e) { /* default */ }
  setMode(mode !== "all");
  var at = 0;
  try { at = parseInt(window.localStorage.getItem(placeKey) || "0", 10) || 0; } catch (e) { /* first question */ }
  place(at, false);
  showSaveState();
  flush();
  tick();
  setInterval(tick, 1000);
})();
