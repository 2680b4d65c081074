// Streams replies into the chat page. Without this file the composer posts the form and the page reloads.
(() => {
  const root = document.querySelector(".chat");
  if (!root || !window.fetch || !window.ReadableStream) return;
  const form = root.querySelector(".composer");
  const textarea = form.querySelector("textarea");
  const list = root.querySelector(".messages-list");
  const sendButton = form.querySelector("[data-send]");
  const stopButton = form.querySelector("[data-stop]");
  const notice = form.querySelector("[data-notice]");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const headers = { "X-CSRFToken": csrf, "Content-Type": "application/json" };
  const useNotes = form.querySelector("[data-use-notes]");

  // A conversation opens at its latest message, like every chat app (a link to a message keeps its place).
  if (!location.hash) list.lastElementChild?.scrollIntoView({ block: "end" });

  const bubble = (role, text) => {
    list.querySelector("[data-empty]")?.remove();
    const item = document.createElement("li");
    item.className = `bubble ${role} streaming`;
    const body = document.createElement("div");
    body.className = "body";
    body.textContent = text;
    item.append(body);
    list.append(item);
    return item;
  };

  const swapIn = async (item, id) => {
    if (!id) return;
    item.dataset.id = id;
    const response = await fetch(root.dataset.fragment.replace(/0\/$/, `${id}/`));
    if (response.ok) item.outerHTML = await response.text();
  };

  const showNotice = (text) => { notice.textContent = text; notice.hidden = !text; };

  const busy = (on) => {
    sendButton.disabled = on;
    stopButton.hidden = !on;
  };

  // A Stop pressed while the message is still on its way finds no reply to stop on the server: said again once
  // the server has answered (it creates the reply before it answers).
  let stopWanted = false;
  const stopReply = () => fetch(root.dataset.stop, { method: "POST", headers });

  async function stream(url, body, questionText) {
    showNotice("");
    stopWanted = false;
    busy(true);
    const question = questionText === null ? null : bubble("user", questionText);
    const reply = bubble("assistant", "");
    let response;
    try {
      response = await fetch(url, {
        method: "POST", headers: { ...headers, Accept: "text/event-stream" }, body: JSON.stringify(body),
      });
    } catch (error) {
      showNotice(gettext("Quillium can't be reached. Your message is still in the box."));
      question?.remove(); reply.remove(); busy(false);
      return false;
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      showNotice(data.detail || interpolate(gettext("The message was refused (HTTP %s)."), [response.status]));
      question?.remove(); reply.remove(); busy(false);
      return false;
    }
    if (stopWanted) stopReply();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "", ids = {}, final = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const name = (raw.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((raw.match(/^data: (.*)$/m) || [])[1] || "{}");
        if (name === "start") ids = data;
        else if (name === "delta") { reply.querySelector(".body").textContent += data.content; reply.scrollIntoView({ block: "end" }); }
        else final = data;
      }
    }
    await swapIn(reply, final?.id || ids.reply);
    if (question) await swapIn(question, ids.question);
    busy(false);
    return true;
  }

  // A new chat is saved with its first message: create it now, then point every URL of the page at it.
  const URL_KEYS = ["api", "stop", "regenerate", "fragment", "chatApi", "page", "files"];
  async function ensureChat() {
    if (root.dataset.chat) return true;
    const response = await fetch(root.dataset.create, {
      method: "POST", headers,
      body: JSON.stringify({ use_notes: !!useNotes?.checked, model: picker.value }),
    });
    if (!response.ok) return false;
    const chat = await response.json();
    root.dataset.chat = chat.id;
    for (const key of URL_KEYS) root.dataset[key] = root.dataset[key].replace("/0/", `/${chat.id}/`);
    history.replaceState(null, "", root.dataset.page);
    const recent = document.querySelector("[data-testid=recent-chats]");
    if (recent) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root.dataset.page; link.dataset.chatLink = chat.id; link.textContent = chat.title;
      link.setAttribute("aria-current", "page");
      item.append(link);
      recent.querySelector(".meta")?.remove();
      recent.prepend(item);
    }
    return true;
  }

  // The title is written in the background after the first reply: show it when it comes, without a reload.
  async function followTitle() {
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await fetch(root.dataset.chatApi);
      if (!response.ok) return;
      const chat = await response.json();
      if (chat.title_source !== "default") {
        const heading = root.querySelector("[data-testid=chat-title]");
        heading.firstChild.textContent = chat.title + " ";
        document.title = document.title.replace(/^[^·]*·/, `${chat.title} ·`);
        document.querySelectorAll(`[data-chat-link="${chat.id}"]`).forEach((link) => {
          link.textContent = (chat.pinned ? "📌 " : "") + chat.title;
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // Files are uploaded as soon as they are picked (a chip each, removable); the message carries their ids.
  const attach = form.querySelector("[data-attach]");
  const pending = form.querySelector("[data-pending-files]");
  const pendingIds = () => [...pending.querySelectorAll("[data-file-id]")].map((item) => item.dataset.fileId);

  async function upload(file) {
    const item = document.createElement("li");
    item.textContent = interpolate(gettext("%s (uploading…)"), [file.name]);
    pending.append(item);
    const body = new FormData();
    body.append("file", file);
    const response = await fetch(root.dataset.files, { method: "POST", headers: { "X-CSRFToken": csrf }, body })
      .catch(() => null);
    const data = response ? await response.json().catch(() => ({})) : {};
    if (!response?.ok) {
      item.remove();
      const reason = data.errors?.file || data.detail || gettext("Quillium can't be reached.");
      showNotice(`${file.name}: ${Array.isArray(reason) ? reason.join(" ") : reason}`);
      return;
    }
    item.dataset.fileId = data.id;
    item.textContent = `${data.kind === "image" ? "🖼" : "📄"} ${data.filename}`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = "×";
    remove.setAttribute("aria-label", interpolate(gettext("Remove %s"), [data.filename]));
    remove.addEventListener("click", async () => {
      item.remove();
      await fetch(`${root.dataset.files}${data.id}/`, { method: "DELETE", headers });
    });
    item.append(remove);
  }

  attach?.addEventListener("change", async () => {
    const files = [...attach.files];
    attach.value = "";  // sent by id, not with the form
    if (!files.length) return;
    showNotice("");
    if (!(await ensureChat())) {
      showNotice(gettext("The chat could not be created. Your message is still in the box."));
      return;
    }
    for (const file of files) await upload(file);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = textarea.value.trim();
    const files = pendingIds();
    if (!content && !files.length) return;
    const fresh = !root.dataset.chat;
    textarea.value = "";  // cleared as it is sent; put back if it is refused
    if (!(await ensureChat())) {
      textarea.value = content;
      showNotice(gettext("The chat could not be created. Your message is still in the box."));
      return;
    }
    const chips = [...pending.children];
    pending.replaceChildren();
    if (!(await stream(root.dataset.api, { content, files }, content || "📎"))) {
      textarea.value = content;
      pending.append(...chips);
      if (fresh) {  // nothing was said in it: don't leave an empty chat behind
        await fetch(root.dataset.chatApi, { method: "DELETE", headers });
        location.replace(root.dataset.new);
      }
      return;
    }
    const heading = root.querySelector("[data-testid=chat-title]");
    if (heading && root.querySelectorAll(".bubble.assistant").length === 1) followTitle();
  });

  textarea.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter starts a new line (and so does Enter while an input method is composing).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  stopButton.addEventListener("click", () => { stopWanted = true; stopReply(); });

  list.addEventListener("submit", async (event) => {
    if (event.target.matches(".regenerate")) {
      event.preventDefault();
      const last = list.querySelector(".bubble.assistant:last-of-type");
      if (last) last.remove();
      await stream(root.dataset.regenerate, {}, null);
    } else if (event.target.matches(".edit-form")) {
      // The edited question replaces this one and everything after it on screen; the old branch stays a version.
      event.preventDefault();
      const content = event.target.querySelector("textarea").value.trim();
      if (!content) return;
      const from = event.target.closest(".bubble");
      const removed = [];
      for (let item = from; item; item = item.nextElementSibling) removed.push(item);
      removed.forEach((item) => item.remove());
      if (!(await stream(event.target.dataset.edit, { content }, content))) list.append(...removed);
    }
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-text]");
    if (!button) return;
    navigator.clipboard?.writeText(button.dataset.copyText).then(() => { button.textContent = gettext("Copied"); });
  });

  // Model picker: filled from the provider; changing it updates the chat.
  const picker = root.querySelector(".model-picker select");
  fetch(root.dataset.models).then((r) => (r.ok ? r.json() : null)).then((data) => {
    if (!data) return;
    for (const name of data.models) picker.add(new Option(name, name, false, name === picker.dataset.current));
    picker.options[0].text = interpolate(gettext("Default (%s)"), [data.default]);
  });
  useNotes?.addEventListener("change", () => {
    if (root.dataset.chat) {
      fetch(root.dataset.chatApi, { method: "PATCH", headers, body: JSON.stringify({ use_notes: useNotes.checked }) });
    }
  });

  picker.addEventListener("change", () => root.dataset.chat &&
    fetch(root.dataset.chatApi, { method: "PATCH", headers, body: JSON.stringify({ model: picker.value }) }));
})();
