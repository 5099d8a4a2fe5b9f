// Sign-in page (R-AUTH-5): "Forgot password?" is offered once a username has been entered,
// and carries it to the forgot-password page. Without script the server-rendered link works.
(function () {
  var input = document.getElementById("username");
  var link = document.getElementById("forgot-link");
  if (!input || !link) { return; }
  var base = link.getAttribute("data-base");
  function update() {
    var value = input.value.trim();
    link.className = value ? "" : "hidden";
    link.href = base + "?username=" + encodeURIComponent(value);
  }
  input.addEventListener("input", update);
  update();
})();
