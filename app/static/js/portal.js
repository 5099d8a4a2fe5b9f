/* e:service portal: small progressive enhancements (no framework). */
(function () {
  "use strict";

  var DEFAULT_PANEL_TIMEOUT_MS = 10000;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { return meta.getAttribute("content"); }
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function show(panel, state) {
    Array.prototype.forEach.call(panel.querySelectorAll("[data-state]"), function (element) {
      element.hidden = element.getAttribute("data-state") !== state;
    });
  }

  /* R-CON-3: registered/locked from the network go into the page's SIP table (usernames and proxy
     are there from the database); an account only the network knows gets a row of its own. */
  function fillSipTable(body) {
    var table = document.querySelector("[data-sip-table]");
    var statuses = body.querySelectorAll("[data-sip-status] tr[data-username]");
    if (!table || !statuses.length) { return; }
    var rows = {};
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-sip-username]"), function (row) {
      rows[row.getAttribute("data-sip-username")] = row;
    });
    Array.prototype.forEach.call(statuses, function (status) {
      var name = status.getAttribute("data-username");
      var row = rows[name];
      if (!row) {
        row = document.createElement("tr");
        row.setAttribute("data-sip-username", name);
        var headers = table.querySelectorAll("thead th");
        ["sip-username", "registered", "sip-proxy", "locked"].forEach(function (field, index) {
          var cell = document.createElement("td");
          if (headers[index]) { cell.setAttribute("data-label", headers[index].textContent.trim()); }
          if (field === "registered" || field === "locked") { cell.setAttribute("data-field", field); }
          else { cell.className = field; }
          row.appendChild(cell);
        });
        row.querySelector(".sip-username").textContent = name;
        row.querySelector(".sip-proxy").textContent = status.getAttribute("data-proxy");
        table.querySelector("tbody").appendChild(row);
        rows[name] = row;
      }
      ["registered", "locked"].forEach(function (field) {
        var from = status.querySelector("[data-field=" + field + "]");
        row.querySelector("[data-field=" + field + "]").textContent = from ? from.textContent : "–";
      });
      row.setAttribute("data-status-loaded", "true");
    });
  }

  function clearSipTable() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sip-table] [data-field]"), function (cell) {
      cell.textContent = "–";
    });
  }

  /* R-CON-4 / P1: the technical panel is filled after the page has rendered. The browser gives up
     after data-timeout-ms (the server's own deadline plus a margin) and offers a retry; a 401 means
     the session has ended, which the panel says with a link to sign in again. */
  function loadPanel(panel) {
    var url = panel.getAttribute("data-url");
    var body = panel.querySelector("[data-state=body]");
    var timeoutMs = parseInt(panel.getAttribute("data-timeout-ms"), 10) || DEFAULT_PANEL_TIMEOUT_MS;
    if (panel._controller) { panel._controller.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    panel._controller = controller;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    show(panel, "loading");
    panel.setAttribute("data-loaded", "loading");

    function settle(state) {
      if (timer) { window.clearTimeout(timer); }
      if (panel._controller === controller) { panel._controller = null; }
      show(panel, state);
      panel.setAttribute("data-loaded", state === "body" ? "true" : state);
    }

    var options = {credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"}};
    if (controller) { options.signal = controller.signal; }
    fetch(url, options)
      .then(function (response) {
        if (response.status === 401 || response.redirected) { return "expired"; }
        if (!response.ok) { return "failed"; }
        return response.text().then(function (html) {
          body.innerHTML = html;
          fillSipTable(body);
          if (window.eserviceScrollRegions) { window.eserviceScrollRegions(); }  /* a new table may scroll */
          return "body";
        });
      })
      .catch(function () { return panel._controller === controller || !controller ? "failed" : null; })
      .then(function (state) {
        if (!state) { return; }  /* superseded by a newer load (retry) */
        if (state !== "body") { clearSipTable(); }
        settle(state);
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
