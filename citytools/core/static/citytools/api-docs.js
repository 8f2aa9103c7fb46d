// Starts Swagger UI on /api/v1/docs from the settings the page carries as JSON (no inline script).
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  var settings = JSON.parse(document.getElementById(root.dataset.settings).textContent);
  var token = document.body.dataset.csrfToken;

  settings.dom_id = "#swagger-ui";
  settings.presets = [window.SwaggerUIBundle.presets.apis];
  // "Try it out" on a write uses the signed-in session, which Django asks to prove with the
  // CSRF token; it is sent only to this site.
  settings.requestInterceptor = function (request) {
    if (token && new URL(request.url, window.location.href).origin === window.location.origin) {
      request.headers["X-CSRFToken"] = token;
    }
    return request;
  };
  window.SwaggerUIBundle(settings);
})();
