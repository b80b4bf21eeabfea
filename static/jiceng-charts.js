/* Charts of the dashboards: each [data-chart] element carries its data as JSON; the table beside
   it has the same numbers, so the page says everything without JavaScript too. */
(function () {
  function options(spec) {
    if (spec.type === "pie") {
      var total = spec.series.reduce(function (sum, s) { return sum + s.value; }, 0);
      if (!total) {  // an empty year: say so rather than draw equal slices of nothing
        return { title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#667085", fontSize: 14 } } };
      }
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
               series: [{ type: "pie", radius: ["35%", "65%"], data: spec.series }] };
    }
    return { tooltip: { trigger: "axis", valueFormatter: function (v) { return v + (spec.unit || ""); } },
             legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 20, bottom: 60, containLabel: true },
             xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
             yAxis: { type: "value", max: spec.unit === "%" ? 100 : null },
             series: spec.series.map(function (s) { return { type: "bar", name: s.name, data: s.data }; }) };
  }
  function draw(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      window.echarts.init(el).setOption(options(JSON.parse(el.dataset.chart)));
    });
  }
  // A page reached through hx-boost inserts ECharts and this script anew, and inserted scripts run
  // in whatever order they arrive: draw once ECharts is there, whenever that is.
  function drawWhenReady(root) {
    if (window.echarts) { draw(root); return; }
    var library = document.querySelector('script[src*="echarts"]');
    if (library) { library.addEventListener("load", function () { draw(); }, { once: true }); }
  }
  document.addEventListener("DOMContentLoaded", function () { draw(); });
  document.addEventListener("htmx:afterSettle", function (event) { drawWhenReady(event.target); });
  drawWhenReady();
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) { var c = window.echarts && window.echarts.getInstanceByDom(el); if (c) { c.resize(); } });
  });
})();
