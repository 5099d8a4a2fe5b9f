// Starts FAB's bundled swagger-ui on the API's OpenAPI document (no inline script: CSP).
(function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: node.getAttribute("data-spec-url"), dom_id: "#swagger-ui" });
})();
