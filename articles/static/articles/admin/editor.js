/* The article change form as a writing tool (articles/admin/editor.py):
 * - "leave page? unsaved changes" guard, for any navigation and, with its own question, for
 *   "Paste a reference list…";
 * - autosave of a draft copy every few seconds (the person's own, never the article), offered back
 *   after a crash or a closed tab;
 * - presence: a heartbeat, and a notice naming whoever else has the article open;
 * - preview of the unsaved form in a new window, desktop or phone width;
 * - live word count and reading grade (computed by the server's own formula, articles/content/literacy.py);
 * - a notice at paste time naming what the editor dropped (images, embeds, styling);
 * - a search-as-you-type picker for links to other articles.
 */
(function () {
  "use strict";

  var editor = null; // the Tiptap editor of the body, once django-prose-editor has made it
  var dirty = false; // changed since the page loaded (or since the last save)
  var changedSinceAutosave = false;
  var leaving = false; // a save or a confirmed navigation is under way

  document.addEventListener("prose-editor:ready", function (event) {
    if (!event.detail || !event.detail.textarea || event.detail.textarea.name !== "body") return;
    editor = event.detail.editor;
    editor.on("update", function () { markDirty(); scheduleReadingLevel(); });
    setUpBodyTools(event.detail.textarea);
    scheduleReadingLevel(0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.getElementById("editor-bar");
    var form = document.getElementById("article_form");
    if (!bar || !form) return;
    var editable = bar.dataset.editable === "1";

    form.addEventListener("input", function (event) { if (!isToolInput(event.target)) markDirty(); });
    form.addEventListener("change", function (event) { if (!isToolInput(event.target)) markDirty(); });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("formtarget")) return; // a preview: the page stays
      leaving = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !leaving) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    // A form sent back with errors (a conflict, a missing field) holds text that is not saved yet.
    if (document.querySelector(".errornote, .errorlist")) markDirty();
    guardPasteReferencesLink();
    setUpPreviewButtons(bar);
    if (editable) {
      setUpAutosave(bar, form);
      setUpDraftOffer(bar, form);
    }
    setUpPresence(bar);
  });

  function isToolInput(element) {
    return element && element.closest && element.closest(".editor-tool, #editor-bar");
  }

  function markDirty() {
    dirty = true;
    changedSinceAutosave = true;
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  // --- leaving the page -------------------------------------------------------------------------

  function guardPasteReferencesLink() {
    document.querySelectorAll("a[href*='paste-references']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!dirty) return;
        var go = window.confirm(
          "You have unsaved changes to this article. Pasting a reference list opens another page and your " +
          "changes would be lost. Leave this page anyway? (Cancel, then save, to keep them.)"
        );
        if (go) { leaving = true; } else { event.preventDefault(); }
      });
    });
  }

  // --- preview of the unsaved form --------------------------------------------------------------

  function setUpPreviewButtons(bar) {
    bar.querySelectorAll("button[data-preview-width]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (editor) syncBody();
        var phone = button.dataset.previewWidth === "phone";
        // Open the named window first, with a phone's width when asked, so that the page's own
        // media queries apply; the form is then posted into it (formtarget).
        window.open("", button.getAttribute("formtarget"), phone ? "popup,width=390,height=844" : "");
      });
    });
  }

  function syncBody() {
    var textarea = document.querySelector("textarea[name=body]");
    if (textarea && editor) textarea.value = editor.getHTML();
  }

  // --- autosave ---------------------------------------------------------------------------------

  var DRAFT_FIELDS = ["title", "slug", "summary", "body", "tags", "funding"];

  function formField(form, name) {
    return form.elements.namedItem(name);
  }

  function setUpAutosave(bar, form) {
    var status = document.getElementById("autosave-status");
    var seconds = parseInt(bar.dataset.autosaveSeconds, 10) || 5;
    window.setInterval(function () {
      if (!changedSinceAutosave || leaving) return;
      changedSinceAutosave = false;
      if (editor) syncBody();
      var fields = {};
      DRAFT_FIELDS.forEach(function (name) {
        var field = formField(form, name);
        if (field && field.value !== undefined) fields[name] = field.value;
      });
      var version = formField(form, "seen_version");
      fields.base_version = version ? version.value : "";
      post(bar.dataset.autosaveUrl, fields).then(function (answer) {
        if (status) status.textContent = "Draft copy kept at " + answer.saved_at + " (only you see it; not saved to the article).";
      }).catch(function () {
        changedSinceAutosave = true;
        if (status) status.textContent = "Could not keep a draft copy just now; your text is still here.";
      });
    }, seconds * 1000);
  }

  function setUpDraftOffer(bar, form) {
    var offer = document.getElementById("draft-offer");
    if (!offer) return;
    var data = JSON.parse(document.getElementById("draft-data").textContent);
    document.getElementById("draft-recover").addEventListener("click", function () {
      DRAFT_FIELDS.forEach(function (name) {
        if (!(name in data)) return;
        if (name === "body" && editor) {
          editor.commands.setContent(data.body, { emitUpdate: true });
        }
        var field = formField(form, name);
        if (field) field.value = data[name];
      });
      // Saved against the version the draft was typed on: a save made since by someone else
      // meets the conflict check instead of being overwritten.
      var base = document.getElementById("draft-base-version").textContent.trim();
      var version = formField(form, "seen_version");
      if (base && version) version.value = base;
      markDirty();
      offer.hidden = true;
      var status = document.getElementById("autosave-status");
      if (status) status.textContent = "Your changes are back in the form. Save to keep them.";
    });
    document.getElementById("draft-discard").addEventListener("click", function () {
      post(bar.dataset.autosaveUrl, { discard: "1" }).then(function () { offer.hidden = true; });
    });
  }

  // --- presence ---------------------------------------------------------------------------------

  function setUpPresence(bar) {
    var url = bar.dataset.presenceUrl;
    if (!url) return;
    var notice = document.getElementById("presence-notice");
    var seconds = parseInt(bar.dataset.heartbeatSeconds, 10) || 15;
    function show(others) {
      if (!others.length) { notice.hidden = true; notice.textContent = ""; return; }
      var names = others.map(function (person) { return person.name; }).join(", ");
      notice.textContent = "";
      var strong = document.createElement("strong");
      strong.textContent = names;
      notice.appendChild(strong);
      notice.appendChild(document.createTextNode(
        (others.length === 1 ? " has" : " have") + " this article open now. If you both save, the second to save " +
        "will be asked to choose between the two versions."));
      notice.hidden = false;
    }
    window.setInterval(function () {
      post(url, {}).then(function (answer) { show(answer.others); }).catch(function () {});
    }, seconds * 1000);
    window.addEventListener("pagehide", function () {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      body.append("leaving", "1");
      if (navigator.sendBeacon) navigator.sendBeacon(url, body);
    });
  }

  // --- the body's tools: reading level, paste notice, link picker -------------------------------

  var readingTimer = null;

  function scheduleReadingLevel(delay) {
    var bar = document.getElementById("editor-bar");
    var output = document.getElementById("reading-level-live");
    if (!bar || !output || !editor) return;
    window.clearTimeout(readingTimer);
    readingTimer = window.setTimeout(function () {
      post(bar.dataset.readingLevelUrl, { body: editor.getHTML() }).then(function (answer) {
        if (!answer.words) { output.textContent = "No words yet."; return; }
        output.textContent = answer.words + (answer.words === 1 ? " word" : " words") + " · reading grade " +
          answer.grade.toFixed(1) + " (target " + answer.target + " or below" +
          (answer.on_target ? ")" : ": simplify the longest sentences)");
        output.classList.toggle("above-target", !answer.on_target);
      }).catch(function () {});
    }, delay === undefined ? 800 : delay);
  }

  function setUpBodyTools(textarea) {
    var bar = document.getElementById("editor-bar");
    var container = textarea.closest(".prose-editor") || textarea.parentNode;
    var tools = document.createElement("div");
    tools.className = "editor-tool body-tools";
    tools.innerHTML =
      '<p class="paste-notice" id="paste-notice" role="status" hidden></p>' +
      '<p class="reading-level-live help" id="reading-level-live" aria-live="polite"></p>' +
      '<div class="link-picker">' +
      '<label for="link-picker-input">Link to another article:</label> ' +
      '<input type="search" id="link-picker-input" autocomplete="off" placeholder="Type part of its title" ' +
      'aria-controls="link-picker-results">' +
      '<ul id="link-picker-results" class="link-picker-results" aria-label="Articles found"></ul></div>';
    container.parentNode.insertBefore(tools, container.nextSibling);
    if (bar) setUpLinkPicker(bar, tools);
    setUpPasteNotice(container);
  }

  function setUpPasteNotice(container) {
    container.addEventListener("paste", function (event) {
      var html = event.clipboardData && event.clipboardData.getData("text/html");
      var notice = document.getElementById("paste-notice");
      if (!html || !notice) return;
      var removed = describeRemoved(html);
      if (!removed.length) { notice.hidden = true; return; }
      notice.textContent = "Pasted as plain formatting. Not kept: " + removed.join("; ") +
        ". Add images and callouts with the editor's own tools; check the text below.";
      notice.hidden = false;
    }, true);
  }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  // What the editor's schema and the sanitiser (articles/content/html.py) will drop from pasted HTML.
  function describeRemoved(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var body = doc.body;
    var removed = [];
    var images = body.querySelectorAll("img, svg, picture, v\\:imagedata, v\\:shape").length;
    var embeds = body.querySelectorAll("iframe, embed, object, video, audio").length;
    var forms = body.querySelectorAll("input, button, select, textarea, form").length;
    if (images) removed.push(plural(images, "image", "images"));
    if (embeds) removed.push(plural(embeds, "embedded frame or video", "embedded frames or videos"));
    if (forms) removed.push(plural(forms, "form control", "form controls"));
    var styled = 0;
    var boxes = 0;
    body.querySelectorAll("*").forEach(function (element) {
      var style = element.getAttribute("style") || "";
      if (/(background|border|padding|shading|mso-shading|mso-border)/i.test(style)) boxes += 1;
      if (style || element.tagName === "FONT" || (element.className && typeof element.className === "string" &&
          /Mso|docs-|callout|highlight/i.test(element.className))) styled += 1;
    });
    if (boxes) removed.push("boxed or shaded styling (callouts: use the editor's callout block)");
    if (styled) removed.push("colours, fonts and other styling");
    return removed;
  }

  function setUpLinkPicker(bar, tools) {
    var input = tools.querySelector("#link-picker-input");
    var list = tools.querySelector("#link-picker-results");
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var term = input.value.trim();
      if (term.length < 2) { list.innerHTML = ""; return; }
      timer = window.setTimeout(function () {
        fetch(bar.dataset.linkSearchUrl + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (answer) { showResults(answer.results); });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); var first = list.querySelector("button"); if (first) first.click(); }
    });
    function showResults(results) {
      list.innerHTML = "";
      if (!results.length) {
        var none = document.createElement("li");
        none.textContent = "No article found.";
        list.appendChild(none);
        return;
      }
      results.forEach(function (result) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link-picker-choice";
        button.textContent = result.title + " (" + result.status + ")";
        button.addEventListener("click", function () { insertLink(result); list.innerHTML = ""; input.value = ""; });
        item.appendChild(button);
        list.appendChild(item);
      });
    }
  }

  function insertLink(result) {
    if (!editor) return;
    var selection = editor.state.selection;
    if (selection.empty) {
      editor.chain().focus().insertContent({
        type: "text", text: result.title, marks: [{ type: "link", attrs: { href: result.url } }],
      }).run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href: result.url }).run();
    }
  }
})();
