/* e:service portal: small progressive enhancements (no framework). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.getAttribute("content"); }
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  /* R-CON-4 / P1: the technical panel is filled after the page has rendered. */
  function loadPanel(panel) {
    var url = panel.getAttribute("data-url");
    var loading = panel.querySelector("[data-state=loading]");
    var failed = panel.querySelector("[data-state=failed]");
    var body = panel.querySelector("[data-state=body]");
    loading.hidden = false; failed.hidden = true; body.hidden = true;
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html; body.hidden = false; loading.hidden = true;
        panel.setAttribute("data-loaded", "true");
      })
      .catch(function () {
        loading.hidden = true; failed.hidden = false;
        panel.setAttribute("data-loaded", "failed");
      });
  }

  function revealPassword(button) {
    var target = document.getElementById(button.getAttribute("data-target"));
    fetch(button.getAttribute("data-url"), {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"}
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      target.textContent = data.password; target.hidden = false; button.hidden = true;
    }).catch(function () {
      target.textContent = button.getAttribute("data-error"); target.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-technical-panel]"), function (panel) {
      loadPanel(panel);
      var retry = panel.querySelector("[data-retry]");
      if (retry) { retry.addEventListener("click", function () { loadPanel(panel); }); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-reveal-password]"), function (button) {
      button.addEventListener("click", function () { revealPassword(button); });
    });
  });
})();
