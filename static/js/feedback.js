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

  function showErrors(errors) {
    report.querySelectorAll(".feedback-error[data-inline]").forEach(function (e) { e.remove(); });
    var text = report.querySelector("textarea");
    text.removeAttribute("aria-invalid");
    if (errors && errors.text) {
      var p = document.createElement("p");
      p.className = "feedback-error";
      p.id = report.id + "-text-error-inline";
      p.dataset.inline = "1";
      p.textContent = errors.text.join(" ");
      text.insertAdjacentElement("afterend", p);
      text.setAttribute("aria-invalid", "true");
      text.setAttribute("aria-describedby", report.id + "-text-hint " + p.id);
    }
  }

  if (link) link.setAttribute("aria-expanded", "false");

  vote.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter || document.activeElement;
    var helpful = button && button.name === "helpful" ? button.value : "";
    vote.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    send(vote, { helpful: helpful }).then(function (answer) {
      say(answer.message);
      if (answer.outcome === "voted") {
        vote.hidden = true;
        openReport(answer.token);  // after either answer, the optional form
      } else {
        vote.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
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
        status.setAttribute("tabindex", "-1");
        status.focus();
      } else {
        showErrors(answer.errors);
        say(answer.message);
      }
    });
  });
})();
