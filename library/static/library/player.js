// The player of a work's page (its tracks, resuming where this person left off) and of a playlist's (tracks of
// several works: each saves its own work's place), saving every few seconds and on pause, with timed lyrics.
(function () {
  "use strict";
  const dataNode = document.getElementById("player-data");
  const audio = document.querySelector("#player audio");
  if (!dataNode || !audio) return;
  const data = JSON.parse(dataNode.textContent);
  const section = document.getElementById("player");
  const nowPlaying = section.querySelector("[data-testid=now-playing]");
  const lyricsBox = section.querySelector(".lyrics");
  const csrf = section.querySelector("[name=csrfmiddlewaretoken]").value;
  const SAVE_EVERY_MS = 5000;
  let index = -1;
  let cues = [];
  let lastSaved = 0;

  function clock(seconds) {
    const s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function save(force) {
    if (data.readOnly || index < 0) return;
    const now = Date.now();
    if (!force && now - lastSaved < SAVE_EVERY_MS) return;
    lastSaved = now;
    const track = data.queue[index];
    fetch("/api/v1/library/works/" + (track.work || data.work) + "/playback/", {
      method: "PUT",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
      credentials: "same-origin",
      keepalive: true,
      body: JSON.stringify({ track: track.id, position_seconds: audio.currentTime || 0 }),
    }).catch(function () { /* the next save tries again */ });
  }

  function showLyrics(time) {
    let current = -1;
    for (let i = 0; i < cues.length; i++) {
      if (cues[i].start <= time && (cues[i].end === null || time < cues[i].end)) current = i;
    }
    const lines = lyricsBox.children;
    for (let i = 0; i < lines.length; i++) lines[i].classList.toggle("current", i === current);
    if (current >= 0) lines[current].scrollIntoView({ block: "nearest" });
  }

  function loadLyrics(track) {
    cues = [];
    lyricsBox.replaceChildren();
    if (!track.lyrics) return;
    fetch("/api/v1/library/tracks/" + track.id + "/lyrics/", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (loaded) {
        cues = loaded;
        lyricsBox.replaceChildren(...cues.map(function (cue) {
          const line = document.createElement("p");
          line.textContent = cue.text;
          return line;
        }));
        showLyrics(audio.currentTime);
      });
  }

  function select(i, startAt, play) {
    if (i < 0 || i >= data.queue.length) return;
    index = i;
    const track = data.queue[i];
    if (startAt) audio.preload = "metadata";
    audio.src = track.src;
    nowPlaying.textContent = startAt ? interpolate(gettext("%(title)s (from %(time)s)"), {title: track.title, time: clock(startAt)}, true) : track.title;
    section.querySelectorAll("li[data-track]").forEach(function (item) {
      item.toggleAttribute("aria-current", item.dataset.track === String(track.id));
    });
    loadLyrics(track);
    if (startAt) {
      audio.addEventListener("loadedmetadata", function once() {
        audio.currentTime = startAt;
        audio.removeEventListener("loadedmetadata", once);
      });
    }
    if (play) audio.play().catch(function () { /* the browser wants a click first */ });
  }

  section.addEventListener("click", function (event) {
    const button = event.target.closest("button.play");
    if (!button) return;
    save(true);
    select(data.queue.findIndex(function (t) { return String(t.id) === button.dataset.track; }), 0, true);
  });
  audio.addEventListener("timeupdate", function () { showLyrics(audio.currentTime); save(false); });
  audio.addEventListener("pause", function () { save(true); });
  audio.addEventListener("ended", function () {
    if (index + 1 < data.queue.length) select(index + 1, 0, true);
    else save(true);
  });
  window.addEventListener("pagehide", function () { if (!audio.paused) save(true); });

  // Keys, as video sites use them: K play/pause, J and L ten seconds back and on, P and N the previous and next
  // track. Not while typing (the review form is on this page) or with a modifier held.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    if (key === "k") { if (audio.paused) audio.play().catch(function () {}); else audio.pause(); }
    else if (key === "j") audio.currentTime = Math.max(0, audio.currentTime - 10);
    else if (key === "l") audio.currentTime = Math.min(audio.duration || Infinity, audio.currentTime + 10);
    else if (key === "n") { save(true); select(index + 1, 0, true); }
    else if (key === "p") { save(true); select(index - 1, 0, true); }
    else return;
    event.preventDefault();
  });

  const resume = data.resume;
  const at = resume ? data.queue.findIndex(function (t) { return t.id === resume.track; }) : -1;
  if (at >= 0) select(at, resume.position, false);
  else if (data.queue.length) select(0, 0, false);
})();
