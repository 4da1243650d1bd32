/* Drag-and-drop ordering for admin inlines marked "sortable-inline".
 *
 * The position numbers stay visible and editable: without this script (or with a
 * keyboard) editors type them. With it, each row gets a handle; dragging a row
 * renumbers the rows 1, 2, 3... in their new order. The server saves swapped
 * positions safely (articles/admin/ordering.py). No inline script: loaded as a file.
 */
(function () {
  "use strict";

  function rows(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("tbody tr.form-row"),
      function (row) { return !row.classList.contains("empty-form") && row.querySelector('input[name$="-position"]'); }
    );
  }

  function inUse(row) {
    if (row.classList.contains("has_original")) { return true; }
    return Array.prototype.some.call(row.querySelectorAll("select"), function (s) { return s.value !== ""; });
  }

  function renumber(group) {
    var n = 0;
    rows(group).forEach(function (row) {
      if (!inUse(row)) { return; }
      n += 1;
      var input = row.querySelector('input[name$="-position"]');
      if (String(input.value) !== String(n)) {
        input.value = n;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function nextPosition(group) {
    return rows(group).reduce(function (max, row) {
      var value = parseInt(row.querySelector('input[name$="-position"]').value, 10);
      return isNaN(value) ? max : Math.max(max, value);
    }, 0) + 1;
  }

  function addHandle(group, row) {
    if (row.querySelector(".sortable-handle")) { return; }
    var cell = row.querySelector("td.original") || row.querySelector("td");
    var handle = document.createElement("span");
    handle.className = "sortable-handle";
    handle.title = "Drag to reorder";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "\u2630";
    cell.insertBefore(handle, cell.firstChild);

    handle.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      row.classList.add("sortable-dragging");

      function move(e) {
        var others = rows(group).filter(function (r) { return r !== row; });
        var before = null;
        for (var i = 0; i < others.length; i += 1) {
          var box = others[i].getBoundingClientRect();
          if (e.clientY < box.top + box.height / 2) { before = others[i]; break; }
        }
        var parent = row.parentNode;
        if (before) {
          if (row.nextElementSibling !== before) { parent.insertBefore(row, before); }
        } else {
          var last = others[others.length - 1];
          if (last && last.nextElementSibling !== row) { parent.insertBefore(row, last.nextElementSibling); }
        }
      }

      function up() {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        handle.removeEventListener("pointercancel", up);
        row.classList.remove("sortable-dragging");
        renumber(group);
      }

      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
      handle.addEventListener("pointercancel", up);
    });
  }

  function init(group) {
    rows(group).forEach(function (row) { addHandle(group, row); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".sortable-inline"), init);
  });

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    var group = row.closest && row.closest(".sortable-inline");
    if (!group) { return; }
    var input = row.querySelector('input[name$="-position"]');
    if (input && !input.value) { input.value = nextPosition(group); }
    addHandle(group, row);
  });
})();
