/* Autocomplete for the comma-separated tags field, using the browser's own <datalist>.
 *
 * As the editor types the last tag, existing tags that match are fetched from the
 * admin and offered as "tags typed so far, suggestion". Typing a new tag still
 * works; without this script the field is a plain text box. Loaded as a file.
 */
(function () {
  "use strict";

  function init(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var lastTerm = null;

    function suggest() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var before = cut === -1 ? "" : value.slice(0, cut + 1) + " ";
      var term = value.slice(cut + 1).trim();
      if (term.length < 2 || term === lastTerm) { return; }
      lastTerm = term;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.results.map(function (name) {
            var option = document.createElement("option");
            option.value = before + name;
            return option;
          }));
        })
        .catch(function () { /* suggestions are a convenience; typing still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), init);
  });
})();
