/* The offline page: its retry button reloads the page that was asked for (the address bar still shows it). */
"use strict";
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-retry]")) window.location.reload();
});
window.addEventListener("online", () => window.location.reload());
