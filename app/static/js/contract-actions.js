// Copy button of a one-time password (R-SIP-1, R-SIP-5): shown only when the clipboard can be used.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      var note = button.parentNode.querySelector("[data-copied]");
      navigator.clipboard.writeText(source.value).then(function () {
        if (note) { note.hidden = false; }
      });
    });
  });
}());
