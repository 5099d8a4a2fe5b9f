// My profile (R-AUTH-8): locked until unlocked; Save only after a change. The server checks everything again.
(function () {
  var fields = document.getElementById("profile-fields");
  var unlock = document.getElementById("profile-unlock");
  var save = document.getElementById("profile-save");
  if (!fields || !unlock || !save) { return; }
  var inputs = ["username", "email", "mobile"].map(function (id) { return document.getElementById(id); })
    .filter(function (el) { return el; });
  function changed() {
    return inputs.some(function (el) { return el.value.trim() !== el.getAttribute("data-initial"); });
  }
  function update() { save.disabled = fields.disabled || !changed(); }
  unlock.addEventListener("click", function () {
    fields.disabled = !fields.disabled;
    unlock.setAttribute("aria-pressed", fields.disabled ? "false" : "true");
    unlock.querySelector("i").className = "fa fa-" + (fields.disabled ? "lock" : "unlock");
    update();
  });
  inputs.forEach(function (el) { el.addEventListener("input", update); });
  update();
})();
