/* The accessibility check beside the article body, again as the body is typed.
 *
 * The prose editor copies its HTML into the body's textarea and fires "input" on each change;
 * a moment after typing stops, the body is sent to the admin's check (the same checks as on
 * save, on the server) and the list under the body is replaced by its answer. Without this
 * script the list shows the check of the saved body. Loaded as a file.
 */
(function () {
  "use strict";

  function init(box) {
    var body = document.getElementById("id_body");
    var token = body && body.form && body.form.querySelector("[name=csrfmiddlewaretoken]");
    if (!token) { return; }
    var timer = null;
    var checked = body.value;

    function check() {
      var value = body.value;
      if (value === checked) { return; }
      checked = value;
      var data = new FormData();
      data.append("body", value);
      fetch(box.dataset.checkUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": token.value }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (result && value === checked) { box.innerHTML = result.html; }  // escaped by the server
        })
        .catch(function () { /* a convenience: the check runs again on save */ });
    }

    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 600);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".accessibility-check[data-check-url]").forEach(init);
  });
})();
