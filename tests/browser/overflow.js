// What sticks out sideways: the page's own scroll width, then elements wider than the
// viewport or reaching past its right edge. Elements inside a box that scrolls or clips
// sideways (a wide table in .table-wrap) do not widen the page and are left out.
() => {
  const root = document.documentElement;
  const limit = root.clientWidth + 1;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") return true;
    }
    return false;
  };
  const describe = (el) => {
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
  };
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    wide.push(`page: scrollWidth ${root.scrollWidth} > ${root.clientWidth}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || (r.right <= limit && r.width <= limit) || clipped(el)) continue;
    const text = (el.innerText || "").slice(0, 40).replace(/\s+/g, " ");
    wide.push(`${describe(el)}: right ${Math.round(r.right)}, width ${Math.round(r.width)} (${text})`);
    if (wide.length > 8) break;
  }
  return wide;
}
