// The edit page: which line the cursor is on (lint messages name lines), a
// warning before leaving with unsaved edits, and Ctrl/Cmd+S to save the draft.
(function () {
  var form = document.querySelector("form.edit-form");
  var source = form && form.querySelector("textarea.markdown-source");
  if (!source) {
    return;
  }
  var saveButton = form.querySelector('button[name="action"][value="save"]');

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
