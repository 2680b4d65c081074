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

  async function stream(url, body, questionText) {
    showNotice("");
    busy(true);
    const question = questionText === null ? null : bubble("user", questionText);
    const reply = bubble("assistant", "");
    let response;
    try {
      response = await fetch(url, {
        method: "POST", headers: { ...headers, Accept: "text/event-stream" }, body: JSON.stringify(body),
      });
    } catch (error) {
      showNotice("Quillium can't be reached. Your message is still in the box.");
      question?.remove(); reply.remove(); busy(false);
      return false;
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      showNotice(data.detail || `The message was refused (HTTP ${response.status}).`);
      question?.remove(); reply.remove(); busy(false);
      return false;
    }
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

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = textarea.value.trim();
    if (!content) return;
    if (await stream(root.dataset.api, { content }, content)) textarea.value = "";
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  stopButton.addEventListener("click", () => fetch(root.dataset.stop, { method: "POST", headers }));

  list.addEventListener("submit", async (event) => {
    if (!event.target.matches(".regenerate")) return;
    event.preventDefault();
    const last = list.querySelector(".bubble.assistant:last-of-type");
    if (last) last.remove();
    await stream(root.dataset.regenerate, {}, null);
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-text]");
    if (!button) return;
    navigator.clipboard?.writeText(button.dataset.copyText).then(() => { button.textContent = "Copied"; });
  });

  // Model picker: filled from the provider; changing it updates the chat.
  const picker = root.querySelector(".model-picker select");
  fetch(root.dataset.models).then((r) => (r.ok ? r.json() : null)).then((data) => {
    if (!data) return;
    for (const name of data.models) picker.add(new Option(name, name, false, name === picker.dataset.current));
    picker.options[0].text = `Default (${data.default})`;
  });
  const useNotes = form.querySelector("[data-use-notes]");
  useNotes?.addEventListener("change", () =>
    fetch(root.dataset.chatApi, { method: "PATCH", headers, body: JSON.stringify({ use_notes: useNotes.checked }) }));

  picker.addEventListener("change", () =>
    fetch(root.dataset.chatApi, { method: "PATCH", headers, body: JSON.stringify({ model: picker.value }) }));
})();
