// City Tools page behaviour. Everything here is progressive: each page works without it.
(function () {
  "use strict";

  document.body.classList.add("js-enabled");
  if ("noModule" in HTMLScriptElement.prototype) {
    document.body.classList.add("govuk-frontend-supported");
    import(document.body.dataset.govukFrontend).then(function (govuk) {
      govuk.initAll();
      // Lets a test (or a person's tools) know the components are set up.
      document.body.dataset.frontend = "ready";
    });
  }

  function renderCharts(root) {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      if (element.dataset.rendered) {
        return;
      }
      var source = document.getElementById(element.dataset.chart);
      if (!source) {
        return;
      }
      element.dataset.rendered = "true";
      window
        .vegaEmbed(element, JSON.parse(source.textContent), {
          // The actions menu is a <details> without an accessible name; the table below
          // the chart already gives the figures, so the menu is left out.
          actions: false,
          renderer: "svg",
          // The site's Content-Security-Policy forbids eval, which vega's expression
          // compiler needs; the AST and the interpreter vega-embed bundles do without it.
          ast: true,
        })
        .catch(function () {
          element.hidden = true;
        });
    });
  }

  renderCharts(document);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    renderCharts(event.target);
  });
})();
