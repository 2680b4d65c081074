// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  navigator.clipboard?.writeText(target.textContent.trim()).then(() => { button.textContent = gettext("Copied"); });
});

// A table wider than a phone scrolls in its own box; keyboard users reach that box with Tab and scroll it with the
// arrow keys, and a screen reader names it after the section's heading.
function markScrollingTables() {
  for (const box of document.querySelectorAll(".table-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      const heading = box.closest("section, .panel, main")?.querySelector("h1, h2, h3");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", heading ? heading.textContent.trim() : gettext("Table"));
    } else if (!scrolls && box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
document.addEventListener("quillium:page", markScrollingTables);  // a page swapped in by navigate.js
window.addEventListener("resize", markScrollingTables);
