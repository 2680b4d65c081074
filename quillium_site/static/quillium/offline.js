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
  forgetOthers(person.content);

  // What someone else who used this browser left (their notes copy, places waiting to be sent) goes: the worker
  // drops their pages and downloads the same way.
  function forgetOthers(key) {
    for (const name of Object.keys(localStorage)) {
      if (name.startsWith("quillium-places-") && name !== "quillium-places-" + key) localStorage.removeItem(name);
    }
    if (!indexedDB.databases) return;
    indexedDB.databases().then((databases) => {
      for (const { name } of databases) {
        if (name && name.startsWith("quillium-notes-") && name !== "quillium-notes-" + key) indexedDB.deleteDatabase(name);
      }
    });
  }

  // How many changes made offline have not reached the server yet (0 when there is no copy on this device).
  async function unsent(key) {
    const name = "quillium-notes-" + key;
    if (!indexedDB.databases || !(await indexedDB.databases()).some((database) => database.name === name)) return 0;
    return new Promise((resolve) => {
      const opening = indexedDB.open(name);
      opening.onerror = () => resolve(0);
      opening.onsuccess = () => {
        const db = opening.result;
        if (!db.objectStoreNames.contains("queue")) { db.close(); resolve(0); return; }
        const counting = db.transaction("queue").objectStore("queue").count();
        counting.onsuccess = () => { db.close(); resolve(counting.result); };
        counting.onerror = () => { db.close(); resolve(0); };
      };
    });
  }

  // Signing out deletes everything the site kept on this device (the answer carries Clear-Site-Data): changes
  // made offline and not yet sent would go with it, so ask first.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("[data-sign-out]")) return;
    if (form.dataset.confirmed) { tellWorker({ type: "signed-out" }); return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    const waiting = await unsent(person.content);
    const question = ngettext(
      "%s change made offline has not been sent yet; signing out deletes it from this device. Sign out anyway?",
      "%s changes made offline have not been sent yet; signing out deletes them from this device. Sign out anyway?",
      waiting,
    );
    if (waiting && !window.confirm(interpolate(question, [waiting]))) return;
    form.dataset.confirmed = "yes";
    form.requestSubmit();
  }, true);
})();
