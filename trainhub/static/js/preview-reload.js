// Preview pages reload when the content changes: the author saves a file, the page follows.
// Polls the catalog's fingerprint; an unreachable server (restarting) is simply tried again.
(function () {
  var bar = document.querySelector("[data-preview-version]");
  if (!bar) return;
  var url = bar.getAttribute("data-preview-version");
  var seen = null;
  function check() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (seen !== null && data.version !== seen) { window.location.reload(); return; }
        seen = data.version;
      })
      .catch(function () {})
      .finally(function () { window.setTimeout(check, 1500); });
  }
  check();
})();
