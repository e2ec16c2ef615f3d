// The review form: the errors of a failed save get the focus (the summary is at the top of
// the page), and the score of the levels picked so far is shown as they change. Without
// scripts the server shows both; this only saves a round trip.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form[data-live-score]");
  if (!form) { return; }
  var out = form.querySelector("[data-score]");
  var hint = form.querySelector("[data-score-hint]");
  var line = form.querySelector(".live-score");
  var pass = parseFloat(line.dataset.pass);
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 1 });
  function update() {
    var total = 0, weights = 0, complete = true;
    form.querySelectorAll("fieldset[data-weight]").forEach(function (set) {
      var picked = set.querySelector("input[type=radio]:checked");
      if (!picked) { complete = false; return; }
      var weight = parseInt(set.dataset.weight, 10);
      total += weight * parseInt(picked.value, 10);
      weights += weight;
    });
    if (!complete || !weights) {
      out.textContent = "—";
      hint.hidden = false;
      line.classList.remove("passing", "failing");
      return;
    }
    // Two decimals, as the server rounds, then shown with one.
    var score = Math.round(100 * total / weights) / 100;
    out.textContent = fmt.format(score);
    hint.hidden = true;
    line.classList.toggle("passing", score + 1e-9 >= pass);
    line.classList.toggle("failing", score + 1e-9 < pass);
  }
  form.addEventListener("change", update);
  update();
});
