/* e:service ticket form (R-TIC-1..3): subject parts, type-ahead of contract and invoice numbers,
   the chosen contract's options and its express offer. Without this file the form still works:
   numbers are typed, "Show the contract's options" reloads the form with them. */
(function () {
  "use strict";

  var form = document.getElementById("ticket-form");
  if (!form) { return; }
  var suggestUrl = form.getAttribute("data-suggest-url");
  var optionsUrl = form.getAttribute("data-options-url");
  var contractInput = document.getElementById("contract");
  var optionSelect = document.getElementById("option");
  var express = document.getElementById("ticket-express");
  var expressLabel = document.getElementById("ticket-express-label");
  var expressBox = document.getElementById("express");

  Array.prototype.forEach.call(form.querySelectorAll("[data-no-js-only]"), function (element) {
    element.hidden = true;
  });

  function chosenSubject() {
    var checked = form.querySelector("[data-subject-choice]:checked");
    return checked ? checked.value : "contract";
  }

  function showSubjectPart() {
    var subject = chosenSubject();
    Array.prototype.forEach.call(form.querySelectorAll("[data-subject-part]"), function (part) {
      part.hidden = part.getAttribute("data-subject-part") !== subject;
    });
    if (subject !== "contract" && express) { express.hidden = true; }
    if (subject === "contract") { loadOptions(); }
  }

  function getJson(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) {
        try { done(JSON.parse(request.responseText)); } catch (e) { done(null); }
      } else { done(null); }
    };
    request.onerror = function () { done(null); };
    request.send();
  }

  var timers = {};
  function suggest(input) {
    var kind = input.getAttribute("data-suggest");
    var list = document.getElementById(input.getAttribute("list"));
    clearTimeout(timers[kind]);
    timers[kind] = setTimeout(function () {
      var url = suggestUrl + "?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(input.value);
      getJson(url, function (body) {
        if (!body || !list) { return; }
        list.textContent = "";
        body.matches.forEach(function (match) {
          var option = document.createElement("option");
          option.value = match.number;
          option.label = match.label;
          option.textContent = match.label;
          list.appendChild(option);
        });
      });
    }, 200);
  }

  var loadedFor = null;
  function loadOptions() {
    if (!contractInput || !optionSelect) { return; }
    var number = contractInput.value.trim();
    if (number === loadedFor) { return; }
    loadedFor = number;
    var keep = optionSelect.options[0];
    function reset() {
      var chosen = optionSelect.value;
      optionSelect.textContent = "";
      optionSelect.appendChild(keep);
      return chosen;
    }
    if (!number) { reset(); if (express) { express.hidden = true; } return; }
    getJson(optionsUrl + "?contract=" + encodeURIComponent(number), function (body) {
      if (number !== loadedFor) { return; }
      var chosen = reset();
      if (!body) { if (express) { express.hidden = true; } return; }
      body.options.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.id;
        option.textContent = item.label;
        if (item.id === chosen) { option.selected = true; }
        optionSelect.appendChild(option);
      });
      if (express) {
        express.hidden = !body.express;
        if (body.express) { expressLabel.textContent = body.express.label; }
        else if (expressBox) { expressBox.checked = false; }
      }
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-suggest]"), function (input) {
    input.addEventListener("input", function () { suggest(input); });
    input.addEventListener("focus", function () { suggest(input); });
  });
  if (contractInput) {
    contractInput.addEventListener("change", loadOptions);
    contractInput.addEventListener("input", function () {
      clearTimeout(timers.options);
      timers.options = setTimeout(loadOptions, 400);
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-subject-choice]"), function (radio) {
    radio.addEventListener("change", showSubjectPart);
  });
  loadedFor = contractInput && optionSelect.options.length > 1 ? contractInput.value.trim() : null;
  showSubjectPart();
}());
