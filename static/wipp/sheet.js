/* Score sheet: the running total as the expert enters it (issue 17 item 4). Each row counts
   the points of its chosen fixed level, else the score typed in; the bonus counts up to its
   cap. The saved total is the server's (apps.review.results). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-running-total]");
  if (!form) {
    return;
  }
  var output = document.querySelector(form.dataset.runningTotal);
  var bonusMax = parseFloat(output.dataset.bonusMax) || 0;

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? 0 : parsed;
  }

  function rowPoints(row) {
    var level = row.querySelector("input[type=radio]:checked");
    if (level && level.dataset.points !== undefined) {
      return number(level.dataset.points);
    }
    var score = row.querySelector("input[type=number]");
    return score ? number(score.value) : 0;
  }

  function update() {
    var total = 0;
    form.querySelectorAll("[data-sheet-row]").forEach(function (row) {
      total += rowPoints(row);
    });
    var bonus = 0;
    form.querySelectorAll("input[data-bonus]").forEach(function (input) {
      bonus += number(input.value);
    });
    total += Math.min(bonus, bonusMax);
    output.textContent = (Math.round(total * 100) / 100).toString();
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
