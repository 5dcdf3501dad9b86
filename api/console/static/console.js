// deskguard console: one question at a time, the countdown, "caller doesn't know", copy.
// Everything works without this file (all questions are then shown at once).
"use strict";
(function () {
  document.documentElement.classList.add("js");

  function steps(form) { return Array.prototype.slice.call(form.querySelectorAll(".question")); }

  function show(form, index) {
    steps(form).forEach(function (step, i) {
      if (i === index) { step.removeAttribute("data-hidden"); } else { step.setAttribute("data-hidden", ""); }
    });
    var box = steps(form)[index].querySelector("textarea");
    if (box) { box.focus(); }
  }

  function advance(form, step) {
    var all = steps(form), index = all.indexOf(step);
    if (index < all.length - 1) { show(form, index + 1); } else { form.requestSubmit(); }
  }

  function setUpQuestions() {
    var form = document.getElementById("answers");
    if (!form) { return; }
    steps(form).forEach(function (step) {
      var next = step.querySelector("button.next");
      if (next) {
        next.hidden = false;
        next.addEventListener("click", function () { advance(form, step); });
      }
      step.querySelector("button.dontknow").addEventListener("click", function (event) {
        var id = event.currentTarget.getAttribute("data-question");
        document.getElementById("answer-" + id).value = "";
        document.getElementById("dontknow-" + id).value = "1";
        advance(form, step);
      });
      step.querySelector("textarea").addEventListener("keydown", function (event) {
        // Enter moves on (Shift+Enter for a new line): the agent's hands stay on the keys.
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); advance(form, step); }
      });
      step.querySelector("textarea").addEventListener("input", function (event) {
        var id = event.currentTarget.id.replace(/^answer-/, "");
        document.getElementById("dontknow-" + id).value = "";
      });
    });
    show(form, 0);
  }

  function setUpCountdown() {
    var box = document.getElementById("countdown");
    if (!box) { return; }
    var value = document.getElementById("countdown-value");
    var deadline = Date.now() + 1000 * parseInt(box.getAttribute("data-seconds-left"), 10);
    function tick() {
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));  // 0 only once past
      value.textContent = Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
      box.classList.toggle("low", left <= 60);
      if (left > 0) { window.setTimeout(tick, 1000); return; }
      value.textContent = "expired";
      document.getElementById("expired-msg").hidden = false;
      var form = document.getElementById("answers");
      if (form) {
        Array.prototype.forEach.call(form.querySelectorAll("button, textarea"), function (el) { el.disabled = true; });
      }
    }
    tick();
  }

  function setUpCopy() {
    var button = document.getElementById("copy");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById("copy-status");
      field.select();
      var done = function () { status.textContent = "Copied. Paste it into the ticket."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          status.textContent = "Selected: press Ctrl+C to copy.";
        });
      } else {
        status.textContent = document.execCommand("copy") ? "Copied. Paste it into the ticket." : "Selected: press Ctrl+C to copy.";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpQuestions();
    setUpCountdown();
    setUpCopy();
  });
})();
