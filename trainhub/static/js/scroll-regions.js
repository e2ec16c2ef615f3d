// A table or code block wider than the screen scrolls sideways inside the page; a keyboard
// user can scroll it only if it can take focus (WCAG 2.1.1), so each one that overflows gets
// a Tab stop. Checked again when the window is resized (a phone turned sideways).
(function () {
  var selector = ".table-wrap, .prose table, .prose pre, pre";
  function mark() {
    document.querySelectorAll(selector).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollRegion = "1";
      } else if (!scrolls && el.dataset.scrollRegion) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollRegion;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
