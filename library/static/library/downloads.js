// "Download for offline" on a work's page: its tracks, cover and lyrics go into a cache of the signed-in person's
// (Cache Storage), where the service worker (quillium/sw.js) finds them when the network is away: a track is
// stored under its own address, whatever signed link the player asks with, and seeking (Range) is answered from
// the stored file. The work's entry records what was stored and how many bytes; "Remove download" deletes it all.
(() => {
  const person = document.querySelector('meta[name="quillium-person"]')?.content;
  const box = document.querySelector("main [data-offline-download]");
  if (!person || !box || !("caches" in window) || !("serviceWorker" in navigator)) return;

  const cacheName = "quillium-audio-" + person;
  const work = box.dataset.offlineDownload;
  const entryUrl = "/library/offline/works/" + work;
  const download = box.querySelector("[data-download]");
  const remove = box.querySelector("[data-remove-download]");
  const status = box.querySelector("[data-download-status]");
  box.hidden = false;

  const megabytes = (bytes) => (bytes / 1048576).toFixed(1);

  async function entry() {
    const found = await (await caches.open(cacheName)).match(entryUrl);
    return found ? found.json() : null;
  }

  async function show() {
    const stored = await entry();
    download.hidden = Boolean(stored);
    remove.hidden = !stored;
    status.textContent = stored
      ? interpolate(gettext("Downloaded for offline: %s MB on this device."), [megabytes(stored.bytes)])
      : "";
    box.dataset.state = stored ? "downloaded" : "none";
  }

  async function store(cache, url, response) {
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.blob();
    await cache.put(url, new Response(body, { headers: { "Content-Type": response.headers.get("content-type") || "" } }));
    return body.size;
  }

  download.addEventListener("click", async () => {
    download.disabled = true;
    const cache = await caches.open(cacheName);
    const urls = [];
    let bytes = 0;
    try {
      const detail = await (await fetch(box.dataset.api, { credentials: "same-origin" })).json();
      for (const [number, track] of detail.tracks.entries()) {
        status.textContent = interpolate(gettext("Downloading track %s of %s…"), [number + 1, detail.tracks.length]);
        const url = "/library/tracks/" + track.id + "/stream/";
        bytes += await store(cache, url, await fetch(track.stream_url, { credentials: "same-origin" }));
        urls.push(url);
        if (track.lyrics_url) {
          bytes += await store(cache, track.lyrics_url, await fetch(track.lyrics_url, { credentials: "same-origin" }));
          urls.push(track.lyrics_url);
        }
      }
      const cover = document.querySelector("main img.cover.large");
      if (cover) {
        bytes += await store(cache, cover.getAttribute("src"), await fetch(cover.src, { credentials: "same-origin" }));
        urls.push(cover.getAttribute("src"));
      }
      const record = { work: Number(work), title: detail.title, urls, bytes, at: new Date().toISOString() };
      await cache.put(entryUrl, new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }));
    } catch (error) {
      await Promise.all(urls.map((url) => cache.delete(url)));
      status.textContent = gettext("The download failed; nothing was kept. Try again when the connection is steady.");
      download.disabled = false;
      return;
    }
    download.disabled = false;
    await show();
  });

  remove.addEventListener("click", async () => {
    const stored = await entry();
    const cache = await caches.open(cacheName);
    if (stored) await Promise.all([...stored.urls, entryUrl].map((url) => cache.delete(url)));
    await show();
  });

  show();
})();
