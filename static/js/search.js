/* Search, enhanced: suggestions as you type on every search box with data-suggest (the ARIA 1.2
   combobox pattern: the box keeps focus, arrow keys move through the list, Enter opens the chosen
   article, Escape closes the list, a polite status says how many suggestions there are), and the
   search page's beacon for the missed-searches report (docs/search.md). Without this script the
   plain search form works as before. No inline script or style: the CSP allows only our files. */
(function () {
  "use strict";
  var DELAY = 150;
  var counter = 0;

  function enhance(input) {
    var url = input.getAttribute("data-suggest");
    if (!url || !window.fetch) return;
    var id = "suggest-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested articles");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.parentNode.classList.add("has-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var items = [], active = -1, timer = null, asked = "", controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      items.forEach(function (item, n) { item.el.setAttribute("aria-selected", n === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].el.id);
        items[index].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (s, n) {
        var li = document.createElement("li");
        li.id = id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.title;
        if (s.term) {
          var term = document.createElement("span");
          term.className = "suggestion-term";
          term.textContent = " (also known as " + s.term + ")";
          li.appendChild(term);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { window.location.assign(s.url); });
        list.appendChild(li);
        return { el: li, url: s.url };
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = items.length + (items.length === 1 ? " suggestion" : " suggestions") +
          ": use the up and down arrow keys to move through them, Enter to open one.";
      } else {
        close();
        status.textContent = "";
      }
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === asked) return;
      asked = typed;
      if (typed.length < 2) { show([]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" }, signal: controller && controller.signal })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === typed) show(data.suggestions || []); })
        .catch(function () { /* offline or aborted: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) { choose((active + 1) % items.length); event.preventDefault(); }
      } else if (event.key === "ArrowUp") {
        if (items.length && !list.hidden) { choose(active <= 0 ? items.length - 1 : active - 1); event.preventDefault(); }
      } else if (event.key === "Enter") {
        if (active >= 0 && !list.hidden) { event.preventDefault(); window.location.assign(items[active].url); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { close(); event.preventDefault(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function beacon() {
    var section = document.querySelector("[data-search-log]");
    if (!section || !navigator.sendBeacon) return;
    var url = section.getAttribute("data-search-log"), token = section.getAttribute("data-token");
    function send(event) {
      var data = new FormData();
      data.append("token", token);
      data.append("event", event);
      navigator.sendBeacon(url, data);
    }
    send("search");
    section.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".search-results a");
      if (link) send("open");
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), enhance);
    beacon();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
