// The edit page: a Markdown toolbar with its shortcuts, a live preview beside
// the text (rendered by the server, as the Preview button's is), which line the
// cursor is on (lint messages name lines), a warning before leaving with unsaved
// edits, and Ctrl/Cmd+S to save the draft. Without this script the page still
// works: the Preview button shows the same preview.
(function () {
  var form = document.querySelector("form.edit-form");
  var source = form && form.querySelector("textarea.markdown-source");
  if (!source) {
    return;
  }
  var saveButton = form.querySelector('button[name="action"][value="save"]');

  // --- Formatting ------------------------------------------------------------

  function replaceSelection(text, selectFrom, selectTo) {
    var start = source.selectionStart;
    source.focus();
    // insertText keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      source.setRangeText(text, start, source.selectionEnd, "end");
      source.dispatchEvent(new Event("input", { bubbles: true }));
    }
    source.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrap(before, after, placeholder) {
    var chosen = source.value.slice(source.selectionStart, source.selectionEnd);
    var inner = chosen || placeholder;
    replaceSelection(before + inner + after, before.length, before.length + inner.length);
  }

  // Prefix every line the selection touches ("## ", "- ").
  function prefixLines(prefix) {
    var value = source.value;
    var from = source.selectionStart;
    var to = source.selectionEnd;
    if (to > from && value[to - 1] === "\n") {
      to -= 1; // a selection of whole lines ends after the last one's break
    }
    var start = from > 0 ? value.lastIndexOf("\n", from - 1) + 1 : 0;
    var end = value.indexOf("\n", to);
    if (end === -1) {
      end = value.length;
    }
    var lines = value.slice(start, end).split("\n");
    var text = lines.map(function (line) { return prefix + line; }).join("\n");
    source.setSelectionRange(start, end);
    replaceSelection(text, text.length, text.length);
  }

  function link() {
    var chosen = source.value.slice(source.selectionStart, source.selectionEnd);
    var label = chosen || "link text";
    var text = "[" + label + "](https://)";
    // Select the address to type over it (or the text, when there was none).
    var addressAt = label.length + 3;
    if (chosen) {
      replaceSelection(text, addressAt, addressAt + "https://".length);
    } else {
      replaceSelection(text, 1, 1 + label.length);
    }
  }

  function table() {
    var before = source.value.slice(0, source.selectionStart);
    var gap = before === "" || /\n\n$/.test(before) ? "" : before.slice(-1) === "\n" ? "\n" : "\n\n";
    var text = gap + "| Column | Column |\n| --- | --- |\n| Cell | Cell |\n";
    replaceSelection(text, gap.length + 2, gap.length + 8);
  }

  var actions = [
    { label: "Bold", key: "b", run: function () { wrap("**", "**", "bold text"); } },
    { label: "Italic", key: "i", run: function () { wrap("_", "_", "italic text"); } },
    { label: "Heading", run: function () { prefixLines("## "); } },
    { label: "List", run: function () { prefixLines("- "); } },
    { label: "Link", key: "k", run: link },
    { label: "Table", run: table },
  ];

  var toolbar = document.createElement("div");
  toolbar.className = "md-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  if (source.id) {
    toolbar.setAttribute("aria-controls", source.id);
  }
  actions.forEach(function (action) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    if (action.key) {
      var shortcut = "Ctrl+" + action.key.toUpperCase();
      button.title = action.label + " (" + shortcut + ")";
      button.setAttribute("aria-keyshortcuts", "Control+" + action.key.toUpperCase() + " Meta+" + action.key.toUpperCase());
    }
    button.addEventListener("click", action.run);
    toolbar.appendChild(button);
  });
  source.insertAdjacentElement("beforebegin", toolbar);

  source.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) {
      return;
    }
    var key = event.key.toLowerCase();
    actions.forEach(function (action) {
      if (action.key === key) {
        event.preventDefault();
        action.run();
      }
    });
  });

  // --- Which line ------------------------------------------------------------

  var indicator = document.createElement("p");
  indicator.className = "line-indicator help";
  indicator.setAttribute("aria-live", "polite");
  source.insertAdjacentElement("afterend", indicator);
  function showLine() {
    var before = source.value.slice(0, source.selectionStart);
    var line = before.split("\n").length;
    var lines = source.value.split("\n").length;
    indicator.textContent = "Line " + line + " of " + lines;
  }
  ["keyup", "click", "input", "focus", "select"].forEach(function (name) {
    source.addEventListener(name, showLine);
  });
  showLine();

  // --- Live preview ----------------------------------------------------------

  var previewUrl = form.getAttribute("data-preview-url");
  var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
  var editor = form.closest(".editor");
  var pane = editor && editor.querySelector(".preview");
  var pending = null;
  var timer = null;
  var DEBOUNCE_MS = 400;

  function showPreview(html) {
    if (!pane) {
      pane = document.createElement("section");
      pane.className = "preview";
      pane.setAttribute("aria-labelledby", "preview-heading");
      pane.tabIndex = 0;
      editor.appendChild(pane);
      editor.classList.add("editor-split");
    }
    pane.innerHTML = html;
    pane.setAttribute("aria-busy", "false");
  }

  function refreshPreview() {
    if (pending) {
      pending.abort();
    }
    var controller = new AbortController();
    pending = controller;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf.value);
    data.append("body", source.value);
    if (pane) {
      pane.setAttribute("aria-busy", "true");
    }
    fetch(previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: controller.signal,
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        // A 400 carries the reason the text cannot be previewed; a redirect is
        // the sign-in page (the session ended), not a preview.
        if (response.redirected || (!response.ok && response.status !== 400)) {
          throw new Error("failed");
        }
        return response.text();
      })
      .then(function (html) {
        if (pending === controller) {
          pending = null;
          showPreview(html);
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError" && pending === controller) {
          pending = null;
          showProblem();
        }
      });
  }

  function showProblem() {
    var heading = document.createElement("h2");
    heading.id = "preview-heading";
    heading.textContent = "Preview";
    var problem = document.createElement("p");
    problem.className = "error";
    problem.setAttribute("role", "alert");
    problem.textContent = "The preview could not be updated. Are you still signed in?";
    showPreview("");
    pane.append(heading, problem);
  }

  if (previewUrl && csrf && editor && window.fetch) {
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, DEBOUNCE_MS);
    });
    if (!pane) {
      refreshPreview(); // the Preview button's, when there is one, is current
    }
  }

  // --- Leaving and saving ----------------------------------------------------

  var saved = source.value;
  var submitting = false;
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && source.value !== saved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("keydown", function (event) {
    var save = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s";
    if (save && saveButton) {
      event.preventDefault();
      submitting = true;
      form.requestSubmit(saveButton);
    }
  });
})();
