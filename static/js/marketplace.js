// The buyer's pages: move focus to a refused action's errors, copy a transfer description,
// and keep a form from being sent twice (the server refuses a second checkout of the same cart too).
(function () {
  "use strict";

  function focusErrors() {
    var errors = document.querySelector("#page-errors, #form-errors");
    if (errors) errors.focus();
  }

  function announce(text) {
    var status = document.querySelector("[data-copy-status]");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function bindCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          announce(button.dataset.copiedLabel + ": " + button.dataset.copy);
        });
      });
    });
  }

  function bindSubmitOnce() {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) {
          event.preventDefault();
          return;
        }
        form.dataset.sent = "1";
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.setAttribute("aria-disabled", "true");
          button.disabled = true;
          if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    bindCopyButtons();
    bindSubmitOnce();
  });
})();
