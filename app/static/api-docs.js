// Starts the vendored Swagger UI on /api/v1/docs (a static file: the CSP allows no inline script).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.dataset.specUrl,
    domNode: node,
    deepLinking: true,
    // "Try it out" sends requests from this page: bearer tokens only, never the session cookie
    validatorUrl: null
  });
})();
