// The mini-player at the bottom of every signed-in page. It plays a queue (a work's tracks, a playlist), keeps
// playing while the person browses (quillium/navigate.js swaps pages around it while it is active), saves the place
// every few seconds and on pause (resume on any device), speaks to the lock screen and headset (Media Session),
// changes speed, stops on a sleep timer, and keeps bookmarks with a note. Pages offer tracks with
// `button.play[data-track]` (and `data-at` for a place) and their queue as JSON in #player-data.
(() => {
  "use strict";
  const bar = document.getElementById("mini-player");
  if (!bar || window.quilliumPlayer) return;
  const audio = bar.querySelector("audio");
  const field = (name) => bar.querySelector(`[data-field="${name}"]`);
  const csrf = bar.querySelector("[name=csrfmiddlewaretoken]").value;
  const readOnly = bar.hasAttribute("data-read-only");
  const STATE_KEY = `quillium.player.${bar.dataset.user}`;
  const RATE_KEY = `quillium.player.rate.${bar.dataset.user}`;
  const SAVE_EVERY_MS = 5000;
  let queue = [];
  let index = -1;
  let lastSaved = 0;
  let cues = [];
  let sleepAt = null;  // a time (ms), "end" (of this track), or null
  let refreshed = new Set();  // tracks whose signed link was renewed once after an error

  const clock = (seconds) => {
    const s = Math.floor(seconds || 0);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return (h ? `${h}:${String(m).padStart(2, "0")}` : String(m)) + ":" + String(s % 60).padStart(2, "0");
  };
  const current = () => queue[index];
  const announce = (text) => { field("status").textContent = text; };

  // -- state kept across page loads in this tab (a sign-in, a language change, a reload) ---------------------
  let signingOut = false;
  function remember() {
    if (signingOut || !queue.length) { sessionStorage.removeItem(STATE_KEY); return; }
    sessionStorage.setItem(STATE_KEY, JSON.stringify({
      queue, index, position: audio.currentTime || 0, playing: !audio.paused,
    }));
  }

  // -- the server's copy of the place (every few seconds, on pause, on a new track) ---------------------------
  function save(force) {
    const track = current();
    if (readOnly || !track) return;
    const now = Date.now();
    if (!force && now - lastSaved < SAVE_EVERY_MS) return;
    lastSaved = now;
    remember();
    sendPlace(track.work, { track: track.id, position_seconds: audio.currentTime || 0 });
  }

  // A place saved while offline waits on the device (one per work, the latest) and goes when the network is back.
  const person = document.querySelector('meta[name="quillium-person"]')?.content || "";
  const waitingKey = "quillium-places-" + person;
  function sendPlace(work, place) {
    fetch(`${bar.dataset.works}${work}/playback/`, {
      method: "PUT", credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
      body: JSON.stringify(place),
    }).then((response) => {
      if (response.ok) forgetPlace(work);
    }).catch(() => {
      const waiting = JSON.parse(localStorage.getItem(waitingKey) || "{}");
      waiting[work] = place;
      localStorage.setItem(waitingKey, JSON.stringify(waiting));
    });
  }
  function forgetPlace(work) {
    const waiting = JSON.parse(localStorage.getItem(waitingKey) || "{}");
    if (!(work in waiting)) return;
    delete waiting[work];
    localStorage.setItem(waitingKey, JSON.stringify(waiting));
  }
  function sendWaitingPlaces() {
    if (!navigator.onLine || !person) return;
    const waiting = JSON.parse(localStorage.getItem(waitingKey) || "{}");
    for (const [work, place] of Object.entries(waiting)) sendPlace(work, place);
  }
  window.addEventListener("online", sendWaitingPlaces);
  sendWaitingPlaces();

  // -- what the page shows of the player: now playing, its lyrics, the current track in a list ---------------
  function showOnPage() {
    const track = current();
    const nowPlaying = document.querySelector("main [data-testid=now-playing]");
    if (nowPlaying) nowPlaying.textContent = track ? track.title : gettext("Nothing playing");
    document.querySelectorAll("main li[data-track]").forEach((item) => {
      item.toggleAttribute("aria-current", !!track && item.dataset.track === String(track.id));
    });
    const box = document.querySelector("main .lyrics");
    if (box) {
      box.replaceChildren(...cues.map((cue) => {
        const line = document.createElement("p");
        line.textContent = cue.text;
        return line;
      }));
      showLyrics();
    }
  }

  function showLyrics() {
    const box = document.querySelector("main .lyrics");
    if (!box || !cues.length) return;
    const time = audio.currentTime;
    let at = -1;
    cues.forEach((cue, i) => { if (cue.start <= time && (cue.end === null || time < cue.end)) at = i; });
    [...box.children].forEach((line, i) => line.classList.toggle("current", i === at));
    if (at >= 0) box.children[at].scrollIntoView({ block: "nearest" });
  }

  function loadLyrics(track) {
    cues = [];
    if (!track.lyrics) return;
    fetch("/api/v1/library/tracks/" + track.id + "/lyrics/", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : []))
      .then((loaded) => { if (current() === track) { cues = loaded; showOnPage(); } });
  }

  // -- the bar itself ------------------------------------------------------------------------------------------
  function showBar() {
    const track = current();
    const on = !!track;
    bar.hidden = !on;
    bar.toggleAttribute("data-active", on);
    document.body.classList.toggle("has-player", on);
    if (!on) return;
    const title = field("title");
    title.textContent = track.title;
    title.href = track.work_url || "#";
    field("work").textContent = [track.work_title, track.circle].filter(Boolean).join(" · ");
    const cover = field("cover");
    cover.hidden = !track.cover;
    if (track.cover) cover.src = track.cover;
  }

  function showQueue() {
    field("queue").replaceChildren(...queue.map((track, i) => {
      const item = document.createElement("li");
      const jump = document.createElement("button");
      Object.assign(jump, { type: "button", className: "link", textContent: track.title });
      jump.dataset.queueIndex = i;
      if (i === index) jump.setAttribute("aria-current", "true");
      item.append(jump);
      return item;
    }));
  }

  function showPlaying() {
    const toggle = bar.querySelector("[data-action=toggle]");
    const label = audio.paused ? gettext("Play") : gettext("Pause");
    toggle.textContent = audio.paused ? "▶" : "⏸";
    toggle.setAttribute("aria-label", label);
    toggle.title = label;
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = audio.paused ? "paused" : "playing";
  }

  function showTime() {
    const seek = field("seek");
    const duration = Number.isFinite(audio.duration) ? audio.duration : (current()?.duration || 0);
    seek.max = String(Math.floor(duration));
    if (document.activeElement !== seek) seek.value = String(Math.floor(audio.currentTime));
    field("time").textContent = `${clock(audio.currentTime)} / ${clock(duration)}`;
  }

  function mediaSession(track) {
    if (!("mediaSession" in navigator) || !window.MediaMetadata) return;
    const artwork = track.cover ? [{ src: new URL(track.cover, location.href).href, sizes: "512x512" }] : [];
    navigator.mediaSession.metadata = new MediaMetadata({
      title: track.title, artist: track.circle || "", album: track.work_title || "", artwork,
    });
  }

  // -- playing -------------------------------------------------------------------------------------------------
  function select(i, startAt, play) {
    if (i < 0 || i >= queue.length) return;
    if (index >= 0) save(true);
    index = i;
    const track = current();
    audio.preload = startAt ? "metadata" : "auto";
    audio.src = track.src;
    audio.defaultPlaybackRate = audio.playbackRate = Number(field("speed").value);
    if (startAt) {
      audio.addEventListener("loadedmetadata", () => { audio.currentTime = startAt; }, { once: true });
    }
    loadLyrics(track);
    mediaSession(track);
    showBar();
    showQueue();
    showOnPage();
    showTime();
    if (play) audio.play().catch(() => { showPlaying(); /* the browser wants a click first */ });
    remember();
  }

  function start(newQueue, i, at, play) {
    queue = newQueue;
    refreshed = new Set();
    select(i, at, play);
  }

  function stop() {
    save(true);
    audio.pause();
    audio.removeAttribute("src");
    audio.load();
    queue = [];
    index = -1;
    cues = [];
    setSleep("");
    showBar();
    showQueue();
    showOnPage();
    remember();
  }

  function setSleep(value) {
    field("sleep").value = value;
    sleepAt = value === "end" ? "end" : value ? Date.now() + Number(value) * 1000 : null;
    field("sleep-left").textContent = value === "end" ? gettext("Stops at the end of this track.") : "";
  }

  function sleepNow() {
    audio.pause();
    setSleep("");
    announce(gettext("The sleep timer stopped playback."));
  }

  setInterval(() => {
    if (typeof sleepAt !== "number") return;
    const left = (sleepAt - Date.now()) / 1000;
    if (left <= 0) sleepNow();
    else field("sleep-left").textContent = interpolate(gettext("Stops in %s."), [clock(left)]);
  }, 1000);

  audio.addEventListener("timeupdate", () => {
    showTime();
    showLyrics();
    save(false);
    if ("mediaSession" in navigator && Number.isFinite(audio.duration)) {
      try {
        navigator.mediaSession.setPositionState({
          duration: audio.duration, position: Math.min(audio.currentTime, audio.duration), playbackRate: audio.playbackRate,
        });
      } catch (error) { /* a duration the browser doesn't accept yet */ }
    }
  });
  audio.addEventListener("play", () => { showPlaying(); remember(); });
  audio.addEventListener("pause", () => { showPlaying(); save(true); remember(); });
  audio.addEventListener("ended", () => {
    if (sleepAt === "end") { sleepNow(); save(true); return; }
    if (index + 1 < queue.length) select(index + 1, 0, true);
    else { save(true); remember(); }
  });
  // A signed link lasts hours; a queue kept longer asks the server for a fresh one, once per track.
  audio.addEventListener("error", async () => {
    const track = current();
    if (!track || refreshed.has(track.id)) return;
    refreshed.add(track.id);
    const response = await fetch(`${bar.dataset.works}${track.work}/`, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = (await response.json()).tracks.find((t) => t.id === track.id);
    if (!fresh) return;
    const at = audio.currentTime;
    track.src = fresh.stream_url;
    select(index, at, true);
  });

  // -- controls: the bar, the pages' play buttons, keys, the lock screen -----------------------------------------
  const toggle = () => (audio.paused ? audio.play().catch(() => {}) : audio.pause());
  const step = (seconds) => { audio.currentTime = Math.max(0, Math.min(audio.duration || Infinity, audio.currentTime + seconds)); };

  bar.addEventListener("click", (event) => {
    const jump = event.target.closest("[data-queue-index]");
    if (jump) { select(Number(jump.dataset.queueIndex), 0, true); return; }
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (action === "toggle") toggle();
    else if (action === "next") select(index + 1, 0, true);
    else if (action === "previous") (audio.currentTime > 3 ? (audio.currentTime = 0) : select(index - 1, 0, true));
    else if (action === "close") stop();
  });
  field("seek").addEventListener("change", (event) => { audio.currentTime = Number(event.target.value); });
  field("speed").addEventListener("change", (event) => {
    audio.defaultPlaybackRate = audio.playbackRate = Number(event.target.value);
    localStorage.setItem(RATE_KEY, event.target.value);
  });
  field("sleep").addEventListener("change", (event) => setSleep(event.target.value));

  bar.querySelector("[data-bookmark-form]")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const track = current();
    if (!track) return;
    const form = event.target;
    const position = Math.round((audio.currentTime || 0) * 10) / 10;
    const response = await fetch(bar.dataset.bookmarks, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
      body: JSON.stringify({ track: track.id, position_seconds: position, note: form.note.value }),
    }).catch(() => null);
    if (!response?.ok) { announce(gettext("The bookmark could not be saved.")); return; }
    announce(interpolate(gettext("Bookmark saved at %s."), [clock(position)]));
    const list = document.querySelector(`main [data-bookmarks-of="${track.work}"]`);
    if (list) {  // the work's page is open: show it there at once
      list.querySelector("[data-empty]")?.remove();
      const item = document.createElement("li");
      item.dataset.testid = "bookmark";
      const play = document.createElement("button");
      Object.assign(play, { type: "button", className: "link play", textContent: `▶ ${track.title} · ${clock(position)}` });
      Object.assign(play.dataset, { track: track.id, at: position });
      item.append(play, ` ${form.note.value}`);
      list.append(item);
    }
    form.reset();
  });

  function pageQueue() {
    const data = document.getElementById("player-data");
    return data ? JSON.parse(data.textContent) : null;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("main button.play[data-track]");
    if (!button) return;
    const data = pageQueue();
    if (!data) return;
    const at = data.queue.findIndex((t) => String(t.id) === button.dataset.track);
    if (at < 0) return;
    start(data.queue, at, Number(button.dataset.at || 0), true);
  });

  // Keys, as video sites use them: K play/pause, J and L ten seconds back and on, P and N the previous and next
  // track. Not while typing or with a modifier held.
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    const offered = pageQueue();
    if (!current()) {  // nothing queued: K plays the page's tracks from the start
      if (key !== "k" || !offered?.queue.length) return;
      start(offered.queue, 0, 0, true);
    } else if (key === "k") toggle();
    else if (key === "j") step(-10);
    else if (key === "l") step(10);
    else if (key === "n") select(index + 1, 0, true);
    else if (key === "p") select(index - 1, 0, true);
    else return;
    event.preventDefault();
  });

  if ("mediaSession" in navigator) {
    const handlers = {
      play: () => audio.play(), pause: () => audio.pause(),
      previoustrack: () => select(index - 1, 0, true), nexttrack: () => select(index + 1, 0, true),
      seekbackward: (details) => step(-(details.seekOffset || 10)), seekforward: (details) => step(details.seekOffset || 10),
      seekto: (details) => { audio.currentTime = details.seekTime; },
    };
    for (const [name, handler] of Object.entries(handlers)) {
      try { navigator.mediaSession.setActionHandler(name, handler); } catch (error) { /* not on this browser */ }
    }
  }

  // A work's page with nothing playing offers where this person left off (on any device), paused.
  function offerPage() {
    showOnPage();
    if (current()) return;
    const data = pageQueue();
    if (!data || !data.resume || !data.queue.length) return;
    const at = data.queue.findIndex((t) => t.id === data.resume.track);
    if (at >= 0) start(data.queue, at, data.resume.position, false);
  }

  document.addEventListener("quillium:page", offerPage);
  window.addEventListener("pagehide", () => { if (!audio.paused) save(true); remember(); });
  document.addEventListener("submit", (event) => {  // signing out leaves nothing of this person's listening behind
    if (!event.target.matches("[data-sign-out]")) return;
    signingOut = true;
    audio.pause();
    sessionStorage.removeItem(STATE_KEY);
  });
  // Pages keep their bottom edge (and the chat's message box) above the bar, whatever its height.
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--player-height", `${bar.hidden ? 0 : bar.offsetHeight}px`);
  }).observe(bar);

  field("speed").value = localStorage.getItem(RATE_KEY) || "1";
  showPlaying();
  const kept = JSON.parse(sessionStorage.getItem(STATE_KEY) || "null");
  if (kept && kept.queue?.length) start(kept.queue, kept.index, kept.position, kept.playing);
  else offerPage();
  window.quilliumPlayer = { audio, start, stop };
})();
