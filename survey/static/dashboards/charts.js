// Draws the dashboard's charts from the JSON in #chart-data (the server built the figures;
// the tables beside them hold the same numbers for screen readers and copying).
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Plotly === "undefined") return;
  var figures = JSON.parse(source.textContent);
  // The print view draws at a fixed width that fits an A4 page, not at the window's width.
  var printView = document.querySelector("[data-print]") !== null;
  var config = { displayModeBar: false, responsive: !printView, staticPlot: printView };
  Object.keys(figures).forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) return;
    var figure = figures[id];
    if (printView) figure.layout.width = Math.min(element.clientWidth || 680, 680);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.setAttribute("data-rendered", "true");
    });
  });
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
