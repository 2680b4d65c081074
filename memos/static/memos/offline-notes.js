// Notes offline, both ways, on the memo timeline. While online, the person's memos are copied into IndexedDB
// through the sync API (/api/v1/sync/, this browser being one device with a client id of its own). Offline, a new
// memo and a ticked task are kept in a queue there (it outlives closing the browser) and shown on the page; when the
// network returns the queue is pushed through the same API. A change the server refuses as a conflict (the memo
// changed elsewhere) is kept with the server's version, and the page asks which to keep: nothing is lost.
(() => {
  const person = document.querySelector('meta[name="quillium-person"]')?.content;
  const main = document.querySelector("main");
  const list = main?.querySelector("[data-pending-list]");
  if (!person || !list || !window.indexedDB || !window.crypto?.randomUUID) return;

  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
  const TASK = /^((?:\s*>)*\s*(?:[-*+]|\d{1,9}[.)])\s+\[)([ xX])(\]\s)/;
  const FENCE = /^(?:\s*>)*\s*(```|~~~)/;

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
      if (!body.has_more) return;
    }
  }

  // ---- Push: the queue, oldest first; conflicts are kept for the person to choose.
  let pushing = false;
  async function push() {
    if (pushing || !navigator.onLine) return false;
    pushing = true;
    try {
      const queued = await readAll("queue");
      if (!queued.length) return false;
      const response = await fetch("/api/v1/sync/", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ client_id: await clientId(), changes: queued.map((entry) => entry.change) }),
      });
      if (!response.ok) return false;
      const { results } = await response.json();
      await run(["queue", "memos", "conflicts"], "readwrite", (queue, memos, conflicts) => {
        results.forEach((result, index) => {
          const entry = queued[index];
          queue.delete(entry.key);
          if (result.status === "applied") memos.put({ id: result.id, ...result.data });
          else conflicts.put({ id: entry.change.id, mine: entry.change.content ?? "", theirs: result.data, message: result.message ?? "" });
        });
      });
      return true;
    } catch (error) {
      return false;
    } finally {
      pushing = false;
    }
  }

  async function enqueue(change) {
    await run(["queue"], "readwrite", (queue) => {
      // A memo changed twice offline goes as one change, from the revision it started from.
      const request = queue.getAll();
      request.onsuccess = () => {
        const earlier = request.result.find((entry) => entry.change.id === change.id);
        if (earlier) queue.put({ ...earlier, change: { ...earlier.change, content: change.content } });
        else queue.add({ change, queuedAt: Date.now() });
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
  function drawPending(entries) {
    list.replaceChildren();
    for (const { change } of entries.filter((entry) => entry.change.base_revision === undefined).reverse()) {  // newest first
      const card = document.createElement("article");
      card.className = "memo-card pending";
      card.dataset.pending = change.id;
      const text = document.createElement("p");
      text.className = "pending-text";
      text.textContent = change.content;
      const note = document.createElement("p");
      note.className = "meta";
      note.textContent = gettext("Waiting for the network: sent when you are back online.");
      card.append(text, note);
      list.append(card);
    }
    for (const { change } of entries.filter((entry) => entry.change.base_revision !== undefined)) {
      const boxes = [...(main.querySelector(`[data-memo="${change.id}"]`)?.querySelectorAll("button.task-box") ?? [])];
      const marks = taskLines(change.content).map((number) => TASK.exec(change.content.split("\n")[number])[2] !== " ");
      boxes.forEach((box, index) => {
        box.textContent = marks[index] ? "☑" : "☐";
        box.setAttribute("aria-label", marks[index] ? gettext("Done") : gettext("To do"));
        box.closest("[data-memo]").classList.add("pending-change");
      });
    }
  }

  async function drawConflicts() {
    main.querySelector("[data-conflicts]")?.remove();
    const conflicts = await readAll("conflicts");
    if (!conflicts.length) return;
    const panel = document.createElement("section");
    panel.className = "panel conflicts";
    panel.dataset.conflicts = "";
    panel.setAttribute("role", "alert");
    const title = document.createElement("h2");
    title.textContent = gettext("Changed elsewhere while you were offline");
    panel.append(title);
    for (const conflict of conflicts) {
      const block = document.createElement("div");
      block.className = "conflict";
      block.dataset.conflict = conflict.id;
      const texts = [[gettext("Your version"), conflict.mine], [gettext("The version on the server"), conflict.theirs?.content ?? gettext("(deleted)")]];
      for (const [label, text] of texts) {
        const figure = document.createElement("figure");
        const caption = document.createElement("figcaption");
        caption.textContent = label;
        const body = document.createElement("pre");
        body.textContent = text;
        figure.append(caption, body);
        block.append(figure);
      }
      const choices = [["mine", gettext("Keep mine")], ["theirs", gettext("Keep the server's")], ["both", gettext("Keep both")]];
      for (const [choice, label] of choices) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.dataset.choice = choice;
        button.textContent = label;
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

  // ---- Wiring.
  async function syncNow() {
    const pushed = await push();
    const conflicts = await readAll("conflicts");
    if (pushed && !conflicts.length) { location.reload(); return; }  // the server's rendering of what was sent
    drawPending(await readAll("queue"));
    await drawConflicts();
    if (navigator.onLine) await pull().catch(() => {});
    document.documentElement.dataset.offlineNotes = "ready";
  }

  const compose = main.querySelector("form.compose");
  compose?.addEventListener("submit", async (event) => {
    if (navigator.onLine) return;  // online: the form posts as always
    event.preventDefault();
    event.stopImmediatePropagation();
    const field = compose.querySelector("textarea[name=content]");
    const content = field?.value.trim();
    if (!content) return;
    await enqueue({ type: "memo", id: crypto.randomUUID(), content });
    field.value = "";
    drawPending(await readAll("queue"));
  }, true);

  main.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-choice]");
    if (button) { choose(button.closest("[data-conflict]").dataset.conflict, button.dataset.choice); return; }
    const box = event.target.closest("button.task-box");
    if (!box || navigator.onLine) return;  // online: cards.js ticks it on the server
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

  window.addEventListener("online", syncNow);
  syncNow();
})();
