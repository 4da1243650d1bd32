// "Was this page helpful?" inline: the vote and the report are sent without leaving the page.
// Without this script both forms post and the server answers with a page (docs/feedback.md).
(function () {
  "use strict";
  var box = document.querySelector("[data-feedback]");
  if (!box || !window.fetch || !window.URLSearchParams) return;
  var vote = box.querySelector(".feedback-vote");
  var report = box.querySelector(".feedback-report");
  var status = box.querySelector(".feedback-status");
  var link = box.querySelector(".feedback-problem a");

  function say(message) {
    status.textContent = message;
  }

  // A button disabled while it has focus leaves focus on <body>: after every answer focus goes
  // where the reader should read next (the form, the first field to fix, or this message).
  function focusStatus() {
    status.setAttribute("tabindex", "-1");
    status.focus();
  }

  function send(form, extra) {
    var body = new URLSearchParams(new FormData(form));
    if (extra) Object.keys(extra).forEach(function (k) { body.set(k, extra[k]); });
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { outcome: "refused", message: "Sorry, something went wrong. Please try again later." }; });
    }, function () {
      return { outcome: "refused", message: "We could not send that: check your connection and try again." };
    });
  }

  function openReport(token) {
    report.querySelector("input[name=token]").value = token || "";
    report.hidden = false;
    if (link) link.setAttribute("aria-expanded", "true");
    report.querySelector("h3").focus();
  }

  function errorAfter(element, name, messages) {
    var p = document.createElement("p");
    p.className = "feedback-error";
    p.id = report.id + "-" + name + "-error-inline";
    p.dataset.inline = "1";
    p.textContent = messages.join(" ");
    element.insertAdjacentElement("afterend", p);
    return p;
  }

  // Each error beside its field (aria-invalid, aria-describedby), as the page without script shows
  // them; returns what should take focus: the first field to fix in the form's order, or, for a
  // problem with the form as a whole, its message at the top (GOV.UK's error summary).
  function showErrors(errors) {
    errors = errors || {};
    report.querySelectorAll(".feedback-error[data-inline]").forEach(function (e) { e.remove(); });
    report.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    var reasons = report.querySelector("fieldset");
    var section = report.querySelector("select[name=section]");
    var text = report.querySelector("textarea");
    reasons.removeAttribute("aria-describedby");
    if (section) section.removeAttribute("aria-describedby");
    text.setAttribute("aria-describedby", report.id + "-text-hint");
    var first = [];
    if (errors.__all__) {
      var summary = errorAfter(report.querySelector(".feedback-notice"), "form", errors.__all__);
      summary.setAttribute("tabindex", "-1");
      first.push(summary);
    }
    if (errors.reason) {
      var radios = reasons.querySelectorAll("input[type=radio]");
      reasons.setAttribute("aria-describedby", errorAfter(radios[radios.length - 1].parentNode, "reason", errors.reason).id);
      radios.forEach(function (r) { r.setAttribute("aria-invalid", "true"); });
      first.push(reasons.querySelector("input:checked") || radios[0]);
    }
    if (errors.section && section) {
      section.setAttribute("aria-invalid", "true");
      section.setAttribute("aria-describedby", errorAfter(section, "section", errors.section).id);
      first.push(section);
    }
    if (errors.text) {
      var p = errorAfter(text, "text", errors.text);
      text.setAttribute("aria-invalid", "true");
      text.setAttribute("aria-describedby", report.id + "-text-hint " + p.id);
      first.push(text);
    }
    return first[0] || null;
  }

  if (link) link.setAttribute("aria-expanded", "false");

  vote.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter || document.activeElement;
    var helpful = button && button.name === "helpful" ? button.value : "";
    var buttons = vote.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    send(vote, { helpful: helpful }).then(function (answer) {
      say(answer.message);
      if (answer.outcome === "voted") {
        // Both stay disabled (one answer each); the one chosen says so, to the eye and to a screen reader.
        buttons.forEach(function (b) {
          var chosen = b.value === helpful;
          b.setAttribute("aria-pressed", chosen ? "true" : "false");
          if (chosen) {
            var tick = document.createElement("span");
            tick.setAttribute("aria-hidden", "true");
            tick.textContent = " \u2713";
            b.appendChild(tick);
          }
        });
        openReport(answer.token);  // after either answer, the optional form
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
        focusStatus();
      }
    });
  });

  if (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      openReport(report.querySelector("input[name=token]").value);
    });
  }

  report.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = report.querySelector("button[type=submit]");
    button.disabled = true;
    send(report).then(function (answer) {
      button.disabled = false;
      if (answer.outcome === "reported") {
        report.hidden = true;
        vote.hidden = true;
        if (link) link.parentNode.hidden = true;
        say(answer.message);
        focusStatus();
      } else {  // not sent: the reader's words stay in the form
        var problem = showErrors(answer.errors);
        say(answer.message);
        if (problem) problem.focus();
        else focusStatus();  // over the limit, or refused: the message says when or why
      }
    });
  });
})();
