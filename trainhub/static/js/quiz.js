// Submitting a quiz with questions left unanswered asks first: a hire who skipped one by
// mistake gets the chance to go back. Saving never asks. The result page says it too, so
// nobody depends on this script.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-unanswered]");
  if (!form) { return; }
  function answered(section) {
    var fields = section.querySelectorAll("input, select, textarea");
    if (!fields.length) { return true; }
    var radios = section.querySelectorAll("input[type=radio], input[type=checkbox]");
    if (radios.length) {
      return Array.prototype.some.call(radios, function (r) { return r.checked; });
    }
    // Every blank of a matching question and the text of the others.
    return Array.prototype.every.call(fields, function (f) { return f.value.trim() !== ""; });
  }
  form.addEventListener("submit", function (event) {
    var by = event.submitter;
    if (!by || by.name !== "submit") { return; }
    var missing = [];
    form.querySelectorAll("section[data-number]").forEach(function (section) {
      if (!answered(section)) { missing.push(section.dataset.number); }
    });
    if (missing.length && !window.confirm(form.dataset.unanswered.replace("{list}", missing.join(", ")))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
});
