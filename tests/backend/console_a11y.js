// Run in a console page by the browser tests: form controls without a label, and text below WCAG 2.1 AA
// contrast (4.5:1, or 3:1 for large text) against the first opaque background behind it.
() => {
  const unlabelled = [...document.querySelectorAll("input:not([type=hidden]):not([hidden]), select, textarea")]
    .filter((c) => c.offsetParent !== null && c.labels.length === 0 && !c.getAttribute("aria-label"))
    .map((c) => c.id || c.name);

  const rgb = (colour) => (colour.match(/[\d.]+/g) || []).map(Number);
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0.9) return colour;
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  for (const node of document.querySelectorAll("body *")) {
    if (!node.offsetParent || node.closest("[disabled], canvas, dialog:not([open])")) continue;
    if (![...node.childNodes].some((child) => child.nodeType === 3 && child.textContent.trim())) continue;
    const style = getComputedStyle(node);
    const [a, b] = [luminance(rgb(style.color)), luminance(background(node))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      lowContrast.push(`${node.tagName}.${node.className} ${ratio.toFixed(2)}: ${node.textContent.trim().slice(0, 30)}`);
    }
  }
  return { unlabelled, lowContrast };
}
