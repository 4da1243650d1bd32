/* Accessible names for the admin's controls that Django and its select2 leave unnamed (issue 30):
 * the fields of tabular inline rows (their label is the column header), autocomplete selects
 * (select2's combobox is named by the chosen value only, so an empty one has no name), and the
 * changelist's search box (labelled by an icon) and the body's rich-text editor. Runs again when rows or widgets are added.
 */
(function () {
  "use strict";

  function text(node) {
    return node ? (node.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  function columnHeader(cell) {
    var table = cell.closest("table");
    var field = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
    if (field) { return text(table.querySelector("thead th.column-" + field.slice(6))); }
    if (cell.classList.contains("delete")) { return "Delete"; }
    return "";
  }

  function rowName(row) {
    var rows = Array.prototype.filter.call(row.parentNode.children, function (r) { return r.classList.contains("form-row"); });
    return "row " + (rows.indexOf(row) + 1);
  }

  // The first column (the saved row's name, the drag handle) has an empty header in Django's table.
  function nameEmptyHeaders(root) {
    root.querySelectorAll(".tabular thead th.original").forEach(function (th) {
      if (text(th)) { return; }
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = "Row";
      th.appendChild(name);
    });
  }

  function nameTabularFields(root) {
    root.querySelectorAll(".tabular tbody tr.form-row td").forEach(function (cell) {
      var header = columnHeader(cell);
      if (!header) { return; }
      var name = header + ", " + rowName(cell.closest("tr"));
      cell.querySelectorAll("input:not([type=hidden]), select, textarea, .select2-selection").forEach(function (control) {
        if (control.getAttribute("data-named") === name) { return; }
        control.setAttribute("aria-label", name);
        control.setAttribute("data-named", name);
      });
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete + .select2").forEach(function (widget) {
      var select = widget.previousElementSibling;
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var combobox = widget.querySelector(".select2-selection");
      var rendered = widget.querySelector(".select2-selection__rendered");
      // select2 marks the chosen value up as a read-only textbox inside the combobox: a second
      // control with no name. It is the combobox's text, named with it below.
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      if (!combobox || !label) { return; }
      if (!label.id) { label.id = select.id + "-label"; }
      var labelledby = label.id + (rendered && rendered.id ? " " + rendered.id : "");
      if (combobox.getAttribute("aria-labelledby") !== labelledby) { combobox.setAttribute("aria-labelledby", labelledby); }
    });
  }

  // The rich-text editor (django-prose-editor) hides the textarea its label points at.
  function nameRichTextEditors(root) {
    root.querySelectorAll(".ProseMirror[contenteditable]").forEach(function (editable) {
      var wrap = editable.closest(".prose-editor");
      var textarea = wrap && wrap.querySelector("textarea");
      var label = textarea && textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
      if (!label || editable.hasAttribute("aria-labelledby")) { return; }
      if (!label.id) { label.id = textarea.id + "-label"; }
      editable.setAttribute("aria-labelledby", label.id);
    });
  }

  // The editor's toolbar greys out the buttons that do nothing here (a class, not "disabled"):
  // say so to assistive technology too, so they are not read as active, faint buttons.
  function markInactiveToolbarButtons(root) {
    root.querySelectorAll(".prose-menubar__button").forEach(function (button) {
      var inactive = button.classList.contains("disabled") && !button.classList.contains("active");
      if ((button.getAttribute("aria-disabled") === "true") !== inactive) {
        button.setAttribute("aria-disabled", inactive ? "true" : "false");
      }
    });
  }

  function nameSearchBox() {
    var box = document.getElementById("searchbar");
    var heading = document.getElementById("changelist-search-form");
    if (box && heading && !box.hasAttribute("aria-label")) { box.setAttribute("aria-label", text(heading)); }
  }

  // Called from the observers below, in the same task as the change: no moment when a new
  // widget is on the page without its name.
  function nameAll() {
    nameSearchBox();
    nameAutocompletes(document);
    nameRichTextEditors(document);
    markInactiveToolbarButtons(document);
    nameTabularFields(document);
    nameEmptyHeaders(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(function (changes) {
      // Typing in the body editor changes its DOM at every key; nothing there needs a name.
      if (changes.some(function (c) { return !(c.target.closest && c.target.closest(".ProseMirror")); })) { nameAll(); }
    }).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(function (changes) {
      if (changes.some(function (c) { return c.target.classList && c.target.classList.contains("prose-menubar__button"); })) { nameAll(); }
    }).observe(document.body, { attributes: true, attributeFilter: ["class"], subtree: true });
  });
})();
