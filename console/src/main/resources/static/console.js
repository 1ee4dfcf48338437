// Draws every .chart element of the page from its /api dataset (see Chart.java for the data-
// attributes). Kept out of the pages on purpose: the Content-Security-Policy allows no inline script.
(function () {
  'use strict';

  function unique(values) {
    var seen = new Set();
    return values.filter(function (v) {
      if (seen.has(v)) {
        return false;
      }
      seen.add(v);
      return true;
    });
  }

  function number(v) {
    return v === null || v === undefined ? null : Number(v);
  }

  // One point per row and y column; one series per y column, or per value of the series column.
  function option(el, data) {
    var x = el.dataset.x;
    var type = el.dataset.type;
    var seriesColumn = el.dataset.series;
    var time = el.dataset.time === 'true';
    var ys = el.dataset.y ? el.dataset.y.split(',') : data.columns.filter(function (c) {
      return c !== x && c !== seriesColumn;
    });
    var xValue = function (v) {
      return time ? v : type === 'scatter' ? number(v) : String(v);
    };
    var series = [];
    if (seriesColumn) {
      var groups = new Map();
      data.rows.forEach(function (row) {
        var name = String(row[seriesColumn]);
        if (!groups.has(name)) {
          groups.set(name, []);
        }
        groups.get(name).push([xValue(row[x]), number(row[ys[0]])]);
      });
      // Bars of one x stack (the tied categories of one country, say) rather than stand apart.
      groups.forEach(function (points, name) {
        series.push({name: name, type: type, data: points, stack: type === 'bar' ? 'x' : undefined});
      });
    } else {
      ys.forEach(function (y) {
        series.push({name: y, type: type, data: data.rows.map(function (row) {
          return [xValue(row[x]), number(row[y])];
        })});
      });
    }
    var xAxis;
    if (time) {
      xAxis = {type: 'time'};
    } else if (type === 'scatter') {
      xAxis = {type: 'value', name: x, scale: true};
    } else {
      var categories = unique(data.rows.map(function (row) {
        return String(row[x]);
      }));
      xAxis = {type: 'category', data: categories, axisLabel: {rotate: categories.length > 8 ? 30 : 0}};
    }
    return {
      animation: false,
      tooltip: {trigger: type === 'scatter' ? 'item' : 'axis'},
      legend: {type: 'scroll', top: 0},
      grid: {top: 40, left: 20, right: 30, bottom: 10, containLabel: true},
      xAxis: xAxis,
      yAxis: {type: 'value', name: type === 'scatter' ? ys[0] : '', scale: type === 'scatter'},
      series: series
    };
  }

  function draw(el, chart) {
    return fetch('/api/' + el.dataset.dataset, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        chart.setOption(option(el, data), true);
        el.dataset.rows = String(data.rows.length);
        el.dataset.drawn = String(Number(el.dataset.drawn || '0') + 1);
      })
      .catch(function (e) {
        // Shown beside the chart, not thrown: a database that is away for a moment is not a page error.
        el.title = 'could not load /api/' + el.dataset.dataset + ': ' + e.message;
        el.classList.add('stale');
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.chart').forEach(function (el) {
      var chart = echarts.init(el);
      window.addEventListener('resize', function () {
        chart.resize();
      });
      draw(el, chart);
      var seconds = Number(el.dataset.refresh);
      if (seconds > 0) {
        setInterval(function () {
          draw(el, chart).then(function () {
            el.classList.remove('stale');
          });
        }, seconds * 1000);
      }
    });
  });
})();
