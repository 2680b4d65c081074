// Drag files onto the compose box to attach them; without this file the file picker does the same.
(() => {
  const zone = document.querySelector("[data-dropzone]");
  if (!zone || !window.DataTransfer) return;
  const input = zone.querySelector('input[type="file"]');
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = new DataTransfer();
    for (const file of input.files) files.items.add(file);
    for (const file of event.dataTransfer.files) files.items.add(file);
    input.files = files.files;
    zone.querySelector("[data-drop-hint]").textContent = interpolate(ngettext("%s file attached.", "%s files attached.", input.files.length), [input.files.length]);
  });
})();
