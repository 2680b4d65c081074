// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  navigator.clipboard?.writeText(target.textContent.trim()).then(() => { button.textContent = gettext("Copied"); });
});
