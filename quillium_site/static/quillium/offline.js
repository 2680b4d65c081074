/* Installable and offline: registers the service worker, tells it who is signed in (so it keeps that person's
   pages and drops anyone else's), and shows the banner while the network is away or the page is a kept copy. */
"use strict";

(() => {
  const banner = () => document.querySelector("[data-offline-banner]");

  function showState() {
    const element = banner();
    if (!element) return;
    element.hidden = navigator.onLine && !document.documentElement.hasAttribute("data-served-offline");
  }

  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  document.addEventListener("DOMContentLoaded", showState);
  document.addEventListener("quillium:page", showState);

  if (!("serviceWorker" in navigator)) return;

  function tellWorker(message) {
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  // Only for someone signed in: there is nothing to keep for a visitor, and after signing out the device is left
  // with nothing of the site's (the sign-out answer cleared it; a new worker would fill its cache again).
  const person = document.querySelector('meta[name="quillium-person"]');
  if (!person) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  tellWorker({ type: "person", key: person.content });

  // The sign-out answer clears the site's data (Clear-Site-Data); this also asks the worker, for browsers without it.
  document.addEventListener("submit", (event) => {
    if (event.target.matches && event.target.matches("[data-sign-out]")) tellWorker({ type: "signed-out" });
  });
})();
