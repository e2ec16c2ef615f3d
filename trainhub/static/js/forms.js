// A form is sent once: a second click while the first request is in flight is ignored.
// The server is idempotent anyway; this only spares the user a confusing second page load.
// Buttons are disabled after the event, because a disabled submitter would drop its value.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
// Pages restored from the back/forward cache get their buttons back.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitted]").forEach(function (form) {
    delete form.dataset.submitted;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
});
// On a phone the table of contents starts folded, so the lesson text comes first.
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(max-width: 899px)").matches) {
    document.querySelectorAll("details.toc-details").forEach(function (d) { d.open = false; });
  }
});
