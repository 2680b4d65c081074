// "Download for offline" on a work's page: its tracks, cover and lyrics go into a cache of the signed-in person's
// (Cache Storage), where the service worker (quillium/sw.js) finds them when the network is away: a track is
// stored under its own address, whatever signed link the player asks with, and seeking (Range) is answered from
// the stored file. The work's entry records what was stored and how many bytes; "Remove download" deletes it all.
(() => {
  const person = document.querySelector('meta[name="quillium-person"]')?.content;
  if (!person || !("caches" in window) || !("serviceWorker" in navigator)) return;
  const cacheName = "quillium-audio-" + person;
  const megabytes = (bytes) => (bytes / 1048576).toFixed(1);

  // My library: every work downloaded on this device, the space they take, and a way to remove each.
  const shelf = document.querySelector("main [data-downloads-list]");
  if (shelf) {
    const listDownloads = async () => {
      const cache = await caches.open(cacheName);
      const entries = (await cache.keys()).filter((request) => new URL(request.url).pathname.startsWith("/library/offline/works/"));
      const works = await Promise.all(entries.map(async (request) => (await cache.match(request)).json()));
      const items = shelf.querySelector("ul");
      items.replaceChildren();
      for (const work of works.sort((a, b) => a.title.localeCompare(b.title))) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/library/works/" + work.work + "/";
        link.textContent = work.title;
        const size = document.createElement("span");
        size.className = "meta";
        size.textContent = " · " + interpolate(gettext("%s MB"), [megabytes(work.bytes)]) + " ";
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary";
        remove.textContent = gettext("Remove download");
        remove.addEventListener("click", async () => {
          await Promise.all([...work.urls, "/library/offline/works/" + work.work].map((url) => cache.delete(url)));
          listDownloads();
        });
        item.append(link, size, remove);
        items.append(item);
      }
      const total = works.reduce((sum, work) => sum + work.bytes, 0);
      shelf.querySelector("[data-downloads-total]").textContent = interpolate(
        ngettext("%s work, %s MB on this device.", "%s works, %s MB on this device.", works.length),
        [works.length, megabytes(total)],
      );
      shelf.hidden = works.length === 0;
    };
    listDownloads();
  }

  const box = document.querySelector("main [data-offline-download]");
  if (!box) return;
  const work = box.dataset.offlineDownload;
  const entryUrl = "/library/offline/works/" + work;
  const download = box.querySelector("[data-download]");
  const remove = box.querySelector("[data-remove-download]");
  const status = box.querySelector("[data-download-status]");
  box.hidden = false;

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
