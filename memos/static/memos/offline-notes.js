// Notes offline, both ways, on the memo timeline. While online, the person's memos are copied into IndexedDB
// through the sync API (/api/v1/sync/, this browser being one device with a client id of its own). Offline, a new
// memo and a ticked task are kept in a queue there (it outlives closing the browser) and shown on the page; when the
// network returns the queue is pushed through the same API. A change the server refuses as a conflict (the memo
// changed elsewhere) is kept with the server's version, and the page asks which to keep: nothing is lost.
(() => {
  const person = document.querySelector('meta[name="quillium-person"]')?.content;
  if (!person || !window.indexedDB || !window.crypto?.randomUUID) return;
  // The page's parts, found again whenever quillium/navigate.js swaps a page in (this file runs once per load).
  let main = null;
  let list = null;

  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
  const TASK = /^((?:\s*>)*\s*(?:[-*+]|\d{1,9}[.)])\s+\[)([ xX])(\]\s)/;
  const FENCE = /^(?:\s*>)*\s*(```|~~~)/;
  const DEFAULT_WINDOW = 500;
  const ACTION = /\/memos\/([0-9a-f-]{36})\/(pin|unpin|archive|unarchive|trash)\/$/;

  // ---- IndexedDB: one database per person on this device (sign-out clears the site's storage).
  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(`quillium-notes-${person}`, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("memos", { keyPath: "id" });
        db.createObjectStore("queue", { keyPath: "key", autoIncrement: true });
        db.createObjectStore("conflicts", { keyPath: "id" });
        db.createObjectStore("meta");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  const dbReady = open();

  async function run(stores, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(stores, mode);
      const result = work(...stores.map((name) => transaction.objectStore(name)));
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const all = (store) => new Promise((resolve) => { const r = store.getAll(); r.onsuccess = () => resolve(r.result); });
  const one = (store, key) => new Promise((resolve) => { const r = store.get(key); r.onsuccess = () => resolve(r.result); });
  const read = async (name, key) => { const db = await dbReady; return one(db.transaction(name).objectStore(name), key); };
  const readAll = async (name) => { const db = await dbReady; return all(db.transaction(name).objectStore(name)); };

  async function clientId() {
    let id = await read("meta", "client_id");
    if (!id) {
      id = `web-${crypto.randomUUID().slice(0, 13)}`;
      await run(["meta"], "readwrite", (meta) => meta.put(id, "client_id"));
    }
    return id;
  }


  // ---- Pull: the person's memos, as the server has them.
  async function pull() {
    const id = await clientId();
    let cursor = (await read("meta", "cursor")) ?? 0;
    for (let page = 0; page < 100; page++) {
      const query = new URLSearchParams({ client_id: id, types: "memo", limit: "200", cursor: String(cursor) });
      const response = await fetch("/api/v1/sync/?" + query);
      if (response.status === 410) { cursor = 0; await run(["memos"], "readwrite", (memos) => memos.clear()); continue; }
      if (!response.ok) return;
      const body = await response.json();
      await run(["memos", "meta"], "readwrite", (memos, meta) => {
        for (const change of body.changes) {
          if (change.deleted) memos.delete(change.id);
          else memos.put({ id: change.id, ...change.data });
        }
        meta.put(body.cursor, "cursor");
      });
      cursor = body.cursor;
      if (!body.has_more) break;
    }
    await prune();
  }

  async function prune() {
    const keep = Number((await read("meta", "window")) ?? DEFAULT_WINDOW);
    if (!keep) return;  // 0: every memo
    const memos = (await readAll("memos")).filter((memo) => !memo.pinned);
    memos.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    await run(["memos"], "readwrite", (store) => memos.slice(keep).forEach((memo) => store.delete(memo.id)));
  }

  // ---- Push: the queue, oldest first; conflicts are kept for the person to choose.
  let pushing = false;
  async function push() {
    if (pushing || !navigator.onLine) return false;
    pushing = true;
    try {
      const everything = await readAll("queue");
      for (const entry of everything.filter((item) => item.uploadOnly)) {
        await run(["queue"], "readwrite", (queue) => queue.delete(entry.key));
        await upload(entry.change.id, entry.files);
      }
      const queued = everything.filter((item) => !item.uploadOnly);
      if (!queued.length) return everything.length > 0;
      const response = await fetch("/api/v1/sync/", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ client_id: await clientId(), changes: queued.map((entry) => entry.change) }),
      });
      if (!response.ok) return false;
      const { results } = await response.json();
      const uploads = [];
      await run(["queue", "memos", "conflicts"], "readwrite", (queue, memos, conflicts) => {
        results.forEach((result, index) => {
          const entry = queued[index];
          queue.delete(entry.key);
          if (result.status === "applied") {
            memos.put({ id: result.id, ...result.data });
            if (entry.files?.length) uploads.push([result.id, entry.files]);
          } else if (result.status === "conflict" && result.data && entry.change.content === undefined) {
            // Only pinned, archived or trashed: no text to choose between, so it goes again on the new revision.
            const { key: _old, ...again } = entry;
            queue.add({ ...again, change: { ...entry.change, base_revision: result.data.revision_count } });
          } else {
            conflicts.put({ id: entry.change.id, mine: entry.change.content ?? "", theirs: result.data, message: result.message ?? "" });
          }
        });
      });
      for (const [memo, files] of uploads) await upload(memo, files);
      return true;
    } catch (error) {
      return false;
    } finally {
      pushing = false;
    }
  }

  // Files attached offline: uploaded once their memo is on the server; one that fails waits for the next push.
  async function upload(memo, files) {
    const failed = [];
    for (const file of files) {
      const form = new FormData();
      form.append("file", file.blob, file.name);
      form.append("memo", memo);
      const response = await fetch("/api/v1/resources/", { method: "POST", body: form, headers: { "X-CSRFToken": csrf() } }).catch(() => null);
      if (!response || (!response.ok && response.status >= 500)) failed.push(file);
    }
    if (failed.length) await run(["queue"], "readwrite", (queue) => queue.add({ change: { type: "memo", id: memo, base_revision: -1 }, files: failed, uploadOnly: true }));
  }

  async function enqueue(change, files = [], edited = false) {
    await run(["queue"], "readwrite", (queue) => {
      // A memo changed twice offline goes as one change, from the revision it started from.
      const request = queue.getAll();
      request.onsuccess = () => {
        const earlier = request.result.find((entry) => entry.change.id === change.id);
        if (earlier) {
          const merged = { ...earlier.change, ...change };
          if ("base_revision" in earlier.change) merged.base_revision = earlier.change.base_revision;
          else delete merged.base_revision;
          queue.put({ ...earlier, change: merged, files: [...(earlier.files ?? []), ...files], edited: earlier.edited || edited });
        } else {
          queue.add({ change, files, edited, queuedAt: Date.now() });
        }
      };
    });
  }

  // ---- Tasks, as memos/notes/tasks.py counts them.
  function taskLines(content) {
    const found = [];
    let fence = null;
    content.split("\n").forEach((line, number) => {
      const opening = FENCE.exec(line);
      if (opening) { fence = fence === opening[1] ? null : fence || opening[1]; return; }
      if (fence === null && TASK.test(line)) found.push(number);
    });
    return found;
  }
  function toggle(content, index) {
    const lines = content.split("\n");
    const number = taskLines(content)[index];
    lines[number] = lines[number].replace(TASK, (_, lead, mark, rest) => lead + (mark === " " ? "x" : " ") + rest);
    return lines.join("\n");
  }

  // ---- What the page shows of the queue: new memos at the top, ticks on their boxes.
  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // A memo as this device has it: its text as written (no Markdown: the server renders that when it is back).
  function textCard(text, className = "memo-card") {
    const card = element("article", className);
    card.append(element("p", "pending-text", text));
    return card;
  }

  function drawPending(entries) {
    list.replaceChildren();
    for (const { change } of entries.filter((entry) => entry.change.base_revision === undefined).reverse()) {  // newest first
      const card = textCard(change.content, "memo-card pending");
      card.dataset.pending = change.id;
      card.append(element("p", "meta", gettext("Waiting for the network: sent when you are back online.")));
      list.append(card);
    }
    for (const { change, edited } of entries.filter((entry) => entry.change.base_revision !== undefined)) {
      const card = main.querySelector(`[data-memo="${change.id}"]`);
      if (!card) continue;
      card.classList.add("pending-change");
      card.hidden = Boolean(change.is_deleted || change.is_archived);  // as the timeline will show it
      card.classList.toggle("pinned", change.pinned ?? card.classList.contains("pinned"));
      if (edited) {  // the text as written here (ticks alone keep the rendered memo, with its boxes)
        const text = card.querySelector(".pending-text") ?? element("p", "pending-text");
        text.textContent = change.content;
        card.querySelector(".markdown").hidden = true;
        card.querySelector(".markdown").after(text);
      }
      if (change.content === undefined) continue;
      const boxes = [...card.querySelectorAll("button.task-box")];
      const marks = taskLines(change.content).map((number) => TASK.exec(change.content.split("\n")[number])[2] !== " ");
      boxes.forEach((box, index) => {
        box.textContent = marks[index] ? "☑" : "☐";
        box.setAttribute("aria-label", marks[index] ? gettext("Done") : gettext("To do"));
      });
    }
  }

  async function drawConflicts() {
    main.querySelector("[data-conflicts]")?.remove();
    const conflicts = await readAll("conflicts");
    if (!conflicts.length) return;
    const panel = element("section", "panel conflicts");
    panel.dataset.conflicts = "";
    panel.setAttribute("role", "alert");
    panel.append(element("h2", "", gettext("Changed elsewhere while you were offline")));
    for (const conflict of conflicts) {
      const block = element("div", "conflict");
      block.dataset.conflict = conflict.id;
      const texts = [[gettext("Your version"), conflict.mine], [gettext("The version on the server"), conflict.theirs?.content ?? gettext("(deleted)")]];
      for (const [label, text] of texts) {
        const figure = element("figure");
        figure.append(element("figcaption", "", label), element("pre", "", text));
        block.append(figure);
      }
      const choices = [["mine", gettext("Keep mine")], ["theirs", gettext("Keep the server's")], ["both", gettext("Keep both")]];
      for (const [choice, label] of choices) {
        const button = element("button", "button", label);
        button.type = "button";
        button.dataset.choice = choice;
        block.append(button);
      }
      panel.append(block);
    }
    list.before(panel);
  }

  async function choose(id, choice) {
    const conflict = await read("conflicts", id);
    if (!conflict) return;
    if (choice === "mine" && conflict.theirs) {
      await enqueue({ type: "memo", id, base_revision: conflict.theirs.revision_count, content: conflict.mine });
    } else if (choice === "both" || (choice === "mine" && !conflict.theirs)) {
      await enqueue({ type: "memo", id: crypto.randomUUID(), content: conflict.mine });  // a memo of its own
    }
    await run(["conflicts"], "readwrite", (conflicts) => conflicts.delete(id));
    await syncNow();
  }

  // A change to a memo this device has a copy of, from the revision it has (or the one already queued).
  async function changeMemo(id, fields, edited = false) {
    const queued = (await readAll("queue")).find((entry) => entry.change.id === id);
    const memo = await read("memos", id);
    if (!queued && !memo) return false;  // not copied to this device yet
    const change = { type: "memo", id, ...fields };
    if (queued ? "base_revision" in queued.change : true) change.base_revision = queued ? queued.change.base_revision : memo.revision_count;
    await enqueue(change, [], edited);
    drawPending(await readAll("queue"));
    return true;
  }

  async function editOffline(article) {
    const id = article.dataset.memo;
    const queued = (await readAll("queue")).find((entry) => entry.change.id === id);
    const content = queued?.change.content ?? (await read("memos", id))?.content;
    if (content === undefined) return;
    const body = article.querySelector(".markdown");
    const form = element("form", "offline-edit");
    const field = element("textarea");
    field.name = "content";
    field.rows = 6;
    field.value = content;
    field.setAttribute("aria-label", gettext("Memo text"));
    const save = element("button", "button", gettext("Save on this device"));
    save.type = "submit";
    const cancel = element("button", "secondary", gettext("Cancel"));
    cancel.type = "button";
    form.append(field, save, cancel);
    body.hidden = true;
    body.after(form);
    field.focus();
    cancel.addEventListener("click", () => { form.remove(); body.hidden = false; });
    form.addEventListener("submit", async (submitted) => {
      submitted.preventDefault();
      await changeMemo(id, { content: field.value }, true);
      form.remove();
      body.hidden = false;
    });
  }

  // Offline, the memos this device holds that the kept page doesn't show (written elsewhere since), as text.
  async function drawDeviceCopies() {
    main.querySelector("[data-device-copies]")?.remove();
    if (navigator.onLine && !document.documentElement.hasAttribute("data-served-offline")) return;
    const shown = new Set([...main.querySelectorAll("[data-memo]")].map((card) => card.dataset.memo));
    const memos = (await readAll("memos"))
      .filter((memo) => !shown.has(memo.id) && !memo.is_deleted && !memo.is_archived)
      .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
      .slice(0, 100);
    if (!memos.length) return;
    const section = element("section");
    section.dataset.deviceCopies = "";
    section.append(element("h2", "meta", gettext("More memos kept on this device")));
    for (const memo of memos) {
      const card = textCard(memo.content);
      card.dataset.deviceCopy = memo.id;
      section.append(card);
    }
    list.after(section);
  }

  // ---- Wiring.
  async function syncNow() {
    const pushed = await push();
    if (!list) {  // another page: only send what waits (the timeline shows conflicts)
      document.documentElement.dataset.offlineNotes = "ready";
      return;
    }
    const conflicts = await readAll("conflicts");
    if (pushed && !conflicts.length) { location.reload(); return; }  // the server's rendering of what was sent
    drawPending(await readAll("queue"));
    await drawConflicts();
    if (navigator.onLine) await pull().catch(() => {});
    await drawDeviceCopies();
    document.documentElement.dataset.offlineNotes = "ready";
  }

  function bindPage() {
    main = document.querySelector("main");
    list = main?.querySelector("[data-pending-list]") ?? null;
    if (!main) return;

    // The settings page: how many memos this device keeps (pinned ones always).
    const windowChoice = main.querySelector("[data-offline-window]");
    if (windowChoice) {
      read("meta", "window").then((kept) => {
        windowChoice.value = String(kept ?? DEFAULT_WINDOW);
        windowChoice.disabled = false;
      });
      windowChoice.addEventListener("change", async () => {
        await run(["meta"], "readwrite", (meta) => meta.put(Number(windowChoice.value), "window"));
        await prune();
        main.querySelector("[data-offline-window-status]").textContent = gettext("Saved on this device.");
      });
    }
    if (!list) return;

    const compose = main.querySelector("form.compose");
    compose?.addEventListener("submit", async (event) => {
      if (navigator.onLine) return;  // online: the form posts as always
      event.preventDefault();
      event.stopImmediatePropagation();
      const field = compose.querySelector("textarea[name=content]");
      const content = field?.value.trim();
      if (!content) return;
      const picked = [...compose.querySelectorAll("input[type=file]")].flatMap((input) => [...input.files]);
      const files = picked.map((file) => ({ name: file.name, type: file.type, blob: file }));
      await enqueue({ type: "memo", id: crypto.randomUUID(), content }, files);
      field.value = "";
      compose.querySelectorAll("input[type=file]").forEach((input) => { input.value = ""; });
      drawPending(await readAll("queue"));
    }, true);

    main.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-choice]");
      if (button) { choose(button.closest("[data-conflict]").dataset.conflict, button.dataset.choice); return; }
      if (navigator.onLine) return;  // online: the page and cards.js do it on the server
      const action = event.target.closest("button[formaction]");
      const matched = action && ACTION.exec(new URL(action.formAction).pathname);
      if (matched) {
        event.preventDefault();
        event.stopImmediatePropagation();
        const [, id, verb] = matched;
        const flags = { pin: { pinned: true }, unpin: { pinned: false }, archive: { is_archived: true },
          unarchive: { is_archived: false }, trash: { is_deleted: true } }[verb];
        await changeMemo(id, flags);
        action.closest("details")?.removeAttribute("open");
        return;
      }
      const editLink = event.target.closest("[data-edit-in-place]");
      if (editLink) {
        event.preventDefault();
        event.stopImmediatePropagation();
        editOffline(editLink.closest("[data-memo]"));
        return;
      }
      const box = event.target.closest("button.task-box");
      if (!box) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const article = box.closest("[data-memo]");
      const id = article.dataset.memo;
      const index = [...article.querySelectorAll("button.task-box")].indexOf(box);
      const queued = (await readAll("queue")).find((entry) => entry.change.id === id);
      const memo = await read("memos", id);
      const content = queued ? queued.change.content : memo?.content;
      if (content === undefined) return;  // not copied to this device yet
      const base = queued ? queued.change.base_revision : memo.revision_count;
      await enqueue({ type: "memo", id, base_revision: base, content: toggle(content, index) });
      drawPending(await readAll("queue"));
    }, true);

  }

  bindPage();
  document.addEventListener("quillium:page", () => { bindPage(); syncNow(); });
  window.addEventListener("online", syncNow);
  syncNow();
})();
