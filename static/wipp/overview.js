// Province overview charts (ECharts from node_modules, served by Django's staticfiles).
// A click on a city's bar opens that city's projects of the year (the table's drill-down).
(function () {
  "use strict";
  var dataNode = document.getElementById("overview-data");
  if (!dataNode || typeof echarts === "undefined") return;
  var data = JSON.parse(dataNode.textContent);
  var labels = data.labels;

  function draw(id, series) {
    var node = document.getElementById(id);
    if (!node) return null;
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "category", data: data.cities, axisLabel: { interval: 0, rotate: data.cities.length > 6 ? 40 : 0 } },
      yAxis: { type: "value" },
      series: Object.keys(series).map(function (key) {
        return { name: labels[key] || key, type: "bar", data: series[key] };
      }),
    });
    chart.on("click", function (params) {
      var link = data.links[params.dataIndex];
      if (link) window.location.href = link;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    node.dataset.rendered = "1";
    return chart;
  }

  draw("chart-counts", data.counts);
  draw("chart-money", data.money);
})();
