/* The body editor's image tools (articles/media): find a library image and insert it as a figure,
 * or upload one here with its alt text and the library's own caption (this article's caption goes only
 * into its figure). What the body stores is <figure data-image="ID">, a reference (the LibraryFigure
 * node in articles/admin/editor-extensions.js). */
(function () {
  "use strict";

  var editor = null;

  document.addEventListener("prose-editor:ready", function (event) {
    if (!event.detail || !event.detail.textarea || event.detail.textarea.name !== "body") return;
    editor = event.detail.editor;
    var bar = document.getElementById("editor-bar");
    if (bar && bar.dataset.imageSearchUrl && bar.dataset.editable === "1") setUp(bar, event.detail.textarea);
  });

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function setUp(bar, textarea) {
    var container = textarea.closest(".prose-editor") || textarea.parentNode;
    var tools = element("div", { "class": "editor-tool image-tools" });
    tools.innerHTML =
      '<details class="image-picker"><summary>Insert an image</summary>' +
      '<p><label for="image-picker-caption">Caption in this article (optional):</label> ' +
      '<input type="text" id="image-picker-caption" maxlength="300" placeholder="The library\'s caption if left empty"></p>' +
      '<p><label for="image-picker-input">Find in the media library:</label> ' +
      '<input type="search" id="image-picker-input" autocomplete="off" placeholder="Type part of its title or description" ' +
      'aria-controls="image-picker-results"></p>' +
      '<ul id="image-picker-results" class="image-picker-results" aria-label="Images found"></ul>' +
      '<fieldset class="image-upload"><legend>Or upload a new one</legend>' +
      '<p><label for="image-upload-file">Picture:</label> <input type="file" id="image-upload-file" accept="image/jpeg,image/png,image/webp,image/gif,image/avif"></p>' +
      '<p><label for="image-upload-alt">Alt text (what it shows):</label> <input type="text" id="image-upload-alt" maxlength="250" size="60"></p>' +
      '<p><input type="checkbox" id="image-upload-decorative"> <label for="image-upload-decorative">Decorative (adds nothing a reader would miss)</label></p>' +
      '<p><label for="image-upload-library-caption">Caption in the library (optional):</label> <input type="text" id="image-upload-library-caption" ' +
      'maxlength="300" size="60" placeholder="Shown wherever an article gives no caption of its own"></p>' +
      '<p><label for="image-upload-credit">Credit:</label> <input type="text" id="image-upload-credit" maxlength="200" placeholder="Illustration: Jane Roe"></p>' +
      '<p><label for="image-upload-consent">A person who could be recognised?</label> <select id="image-upload-consent">' +
      '<option value="n/a">No identifiable person</option><option value="on-file">Yes, consent on file</option>' +
      '<option value="none">Yes, no consent recorded</option></select></p>' +
      '<p><button type="button" class="button" id="image-upload-send">Upload and insert</button></p>' +
      '<p id="image-upload-status" role="status" aria-live="polite"></p></fieldset></details>';
    var after = container.parentNode.querySelector(".body-tools") || container;
    after.parentNode.insertBefore(tools, after.nextSibling);
    setUpSearch(bar, tools);
    setUpUpload(bar, tools);
  }

  function caption(tools) {
    return tools.querySelector("#image-picker-caption").value.trim();
  }

  function insert(tools, card) {
    if (!editor) return;
    editor.chain().focus().insertLibraryFigure({ image: String(card.id), caption: caption(tools), title: card.title }).run();
    tools.querySelector("#image-picker-caption").value = "";
  }

  function setUpSearch(bar, tools) {
    var input = tools.querySelector("#image-picker-input");
    var list = tools.querySelector("#image-picker-results");
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var term = input.value.trim();
      timer = window.setTimeout(function () {
        fetch(bar.dataset.imageSearchUrl + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (answer) { show(answer.results); });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); var first = list.querySelector("button"); if (first) first.click(); }
    });
    function show(results) {
      list.innerHTML = "";
      if (!results.length) { list.appendChild(element("li", {}, "No image found.")); return; }
      results.forEach(function (card) {
        var item = element("li");
        var button = element("button", { type: "button", "class": "image-picker-choice" });
        if (card.thumbnail) button.appendChild(element("img", { src: card.thumbnail, alt: "", width: "48", height: "48" }));
        button.appendChild(document.createTextNode(card.title + (card.problems.length ? " (needs attention: " + card.problems.join(" ") + ")" : "")));
        button.addEventListener("click", function () { insert(tools, card); list.innerHTML = ""; input.value = ""; });
        item.appendChild(button);
        list.appendChild(item);
      });
    }
  }

  function setUpUpload(bar, tools) {
    var status = tools.querySelector("#image-upload-status");
    tools.querySelector("#image-upload-send").addEventListener("click", function () {
      var file = tools.querySelector("#image-upload-file").files[0];
      if (!file) { status.textContent = "Choose a picture first."; return; }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      body.append("upload", file);
      body.append("alt_text", tools.querySelector("#image-upload-alt").value);
      if (tools.querySelector("#image-upload-decorative").checked) body.append("decorative", "on");
      body.append("credit", tools.querySelector("#image-upload-credit").value);
      body.append("consent", tools.querySelector("#image-upload-consent").value);
      // The library's own caption; the one for this article goes only into this article's figure.
      body.append("caption", tools.querySelector("#image-upload-library-caption").value);
      status.textContent = "Uploading…";
      fetch(bar.dataset.imageUploadUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (result) {
        if (!result.ok) {
          var errors = result.answer.errors || {};
          status.textContent = "Not uploaded: " + Object.keys(errors).map(function (key) { return errors[key].join(" "); }).join(" ");
          return;
        }
        status.textContent = "Uploaded “" + result.answer.title + "” and inserted.";
        insert(tools, result.answer);
        tools.querySelector("#image-upload-file").value = "";
        tools.querySelector("#image-upload-alt").value = "";
        tools.querySelector("#image-upload-library-caption").value = "";
      }).catch(function () { status.textContent = "The upload failed: check the connection and try again."; });
    });
  }
})();
