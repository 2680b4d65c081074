/* Quillium's service worker: the app shell and a person's most used pages, for offline use.
   self.QUILLIUM (written in front of this file by quillium_site/offline.py) holds the version, the shell's URLs,
   the offline page, the page patterns kept offline and the paths never touched. */
"use strict";

const CONFIG = self.QUILLIUM;
const SHELL = `quillium-shell-${CONFIG.version}`;
const STATE = "quillium-state";
const PAGES_PREFIX = "quillium-pages-";
const AUDIO_PREFIX = "quillium-audio-"; // works downloaded for offline (library/downloads.js)
const PERSONAL = [PAGES_PREFIX, AUDIO_PREFIX];
const keptPages = CONFIG.pages.map((pattern) => new RegExp(pattern));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll([...CONFIG.shell, CONFIG.offline])).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("quillium-shell-") && name !== SHELL).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Whose pages are kept: the page says who is signed in; the worker may be stopped and started between requests,
// so it is kept in a cache of its own, not only in memory.
let person = null;

async function currentPerson() {
  if (person !== null) return person;
  const saved = await (await caches.open(STATE)).match("/person");
  person = saved ? await saved.text() : "";
  return person;
}

async function setPerson(key) {
  person = key;
  await (await caches.open(STATE)).put("/person", new Response(key));
  if (!key) return;
  // Another person's pages never stay on the device once someone else signs in.
  const names = await caches.keys();
  const theirs = (name) => PERSONAL.some((prefix) => name.startsWith(prefix) && name !== prefix + key);
  await Promise.all(names.filter(theirs).map((name) => caches.delete(name)));
}

async function forgetEveryone() {
  person = "";
  const names = await caches.keys();
  const personal = (name) => name === STATE || PERSONAL.some((prefix) => name.startsWith(prefix));
  await Promise.all(names.filter(personal).map((name) => caches.delete(name)));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  // A page that loaded while this worker was still installing isn't controlled by it: hearing from the page, take
  // it (and any such page) over, so it works offline without a reload.
  if (data.type === "person") event.waitUntil(setPerson(String(data.key || "")).then(() => self.clients.claim()));
  if (data.type === "signed-out") event.waitUntil(forgetEveryone());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // never another origin's responses
  const track = trackOf(url.pathname);
  if (track) {
    event.respondWith(fromDownloads(request, "/library/tracks/" + track + "/stream/"));
    return;
  }
  if (DOWNLOADED_EXTRAS.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkOrDownloaded(request, url.pathname));
    return;
  }
  if (CONFIG.never.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.headers.has("range")) return; // audio: streamed by the site
  if (CONFIG.versioned.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event, request, url));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

const PERSON_META = /<meta name=.quillium-person. content=.([0-9a-f]+).>/;

async function networkFirst(event, request, url) {
  const keptKind = keptPages.some((pattern) => pattern.test(url.pathname));
  try {
    const response = await fetch(request);
    if (keptKind && response.ok && !response.redirected && response.type === "basic") {
      // The page goes to the browser as it streams in; keeping a copy happens beside it.
      event.waitUntil(keep(request, response.clone()));
    }
    return response;
  } catch (error) {
    const key = await currentPerson();
    if (keptKind && key) {
      const kept = await (await caches.open(PAGES_PREFIX + key)).match(request);
      if (kept) return markedOffline(kept);
    }
    const offline = await (await caches.open(SHELL)).match(CONFIG.offline);
    if (offline) return offline;
    throw error;
  }
}

// Kept under the person the page itself names, so a page is never filed under someone else.
async function keep(request, response) {
  const html = await response.text();
  const found = PERSON_META.exec(html);
  if (!found) return;
  if (found[1] !== (await currentPerson())) await setPerson(found[1]);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  await (await caches.open(PAGES_PREFIX + found[1])).put(request, new Response(html, { status: 200, headers }));
}

// A kept page says it is one (offline.js shows the banner), without changing what was stored.
async function markedOffline(response) {
  const html = (await response.text()).replace(/<html /, (tag) => tag + "data-served-offline ");
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(html, { status: 200, headers });
}

// ---- Works downloaded for offline: a track is stored under /library/tracks/<id>/stream/, whichever link asks
// for it (the player's signed links carry the track's id before the first colon). Only the signed-in person's
// downloads answer; seeking gets the asked-for bytes of the stored file.
const DOWNLOADED_EXTRAS = [/^\/library\/works\/\d+\/cover\/$/, /^\/api\/v1\/library\/tracks\/\d+\/lyrics\/$/];

function trackOf(path) {
  let found = /^\/library\/tracks\/(\d+)\/stream\/$/.exec(path);
  if (found) return found[1];
  found = /^\/library\/stream\/([^/]+)\/$/.exec(path);
  if (!found) return null;
  const id = decodeURIComponent(found[1]).split(":")[0];
  return /^\d+$/.test(id) ? id : null;
}

async function downloaded(key) {
  const who = await currentPerson();
  return who ? (await caches.open(AUDIO_PREFIX + who)).match(key) : undefined;
}

async function fromDownloads(request, key) {
  const stored = await downloaded(key);
  if (!stored) return fetch(request);
  const body = await stored.blob();
  const type = stored.headers.get("content-type") || "application/octet-stream";
  const wanted = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("range") || "");
  if (!wanted || (wanted[1] === "" && wanted[2] === "")) {
    return new Response(body, { status: 200, headers: { "content-type": type, "content-length": String(body.size), "accept-ranges": "bytes" } });
  }
  let first = wanted[1] === "" ? Math.max(body.size - Number(wanted[2]), 0) : Number(wanted[1]);
  let last = wanted[1] === "" || wanted[2] === "" ? body.size - 1 : Math.min(Number(wanted[2]), body.size - 1);
  if (first >= body.size || first > last) {
    return new Response(null, { status: 416, headers: { "content-range": "bytes" + " */" + body.size } });
  }
  return new Response(body.slice(first, last + 1), {
    status: 206,
    headers: {
      "content-type": type,
      "content-length": String(last - first + 1),
      "content-range": "bytes " + first + "-" + last + "/" + body.size,
      "accept-ranges": "bytes",
    },
  });
}

async function networkOrDownloaded(request, key) {
  try {
    return await fetch(request);
  } catch (error) {
    const stored = await downloaded(key);
    if (stored) return stored;
    throw error;
  }
}
