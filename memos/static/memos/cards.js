// Memo cards without reloading: tick a task, edit in place, copy a memo's link. Without this file each of these
// is a form post (the page's #task-form) or a link to the memo's page.
(() => {
  if (!window.fetch) return;
  const headers = { "X-Requested-With": "fetch" };
  const parse = (html) => new DOMParser().parseFromString(html, "text/html").body;
  const fail = (article, text) => {
    article.querySelector(".card-error")?.remove();
    const problem = document.createElement("p");
    problem.className = "message error card-error";
    problem.setAttribute("role", "alert");
    problem.textContent = text;
    article.prepend(problem);
  };

  async function tick(box) {
    const article = box.closest("[data-memo]");
    const index = [...article.querySelectorAll("button.task-box")].indexOf(box);
    const data = new FormData(box.form);
    data.set("revision", box.value);
    box.disabled = true;
    const response = await fetch(box.formAction, { method: "POST", body: data, headers }).catch(() => null);
    article.querySelector(".card-error")?.remove();
    if (!response || !response.ok) {
      fail(article, response ? await response.text() : gettext("Not saved: the connection failed."));
      box.disabled = false;
      return;
    }
    const fresh = parse(await response.text()).querySelector("article");
    article.querySelector(".markdown").replaceWith(fresh.querySelector(".markdown"));
    const count = article.querySelector(".tasks-done");
    if (count) count.textContent = fresh.querySelector(".tasks-done")?.textContent ?? "";
    article.querySelectorAll("button.task-box")[index]?.focus();
  }

  async function edit(link) {
    const article = link.closest("[data-memo]");
    const response = await fetch(link.dataset.editInPlace, { headers }).catch(() => null);
    if (!response || !response.ok) { location.href = link.href; return; }
    const body = article.querySelector(".markdown");
    const form = parse(await response.text()).querySelector("form");
    body.hidden = true;
    body.after(form);
    link.closest("details")?.removeAttribute("open");
    form.querySelector("textarea")?.focus();
    form.querySelector("[data-cancel-edit]").addEventListener("click", () => { form.remove(); body.hidden = false; link.focus(); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const saved = await fetch(form.action, { method: "POST", body: new FormData(form), headers }).catch(() => null);
      if (!saved) { fail(article, gettext("Not saved: the connection failed.")); return; }
      const answer = parse(await saved.text());
      if (saved.ok) {
        const fresh = answer.querySelector("article");
        article.replaceWith(fresh);
        fresh.querySelector("summary")?.focus();
      } else {
        const again = answer.querySelector("form");
        form.replaceChildren(...again.childNodes);
        form.querySelector("[data-cancel-edit]")?.addEventListener("click", () => { form.remove(); body.hidden = false; });
      }
    });
  }

  // On <main>, not the document: this file runs again for each page swapped in (quillium/navigate.js).
  document.querySelector("main")?.addEventListener("click", (event) => {
    const box = event.target.closest("button.task-box");
    if (box && box.form) { event.preventDefault(); tick(box); return; }
    const editLink = event.target.closest("[data-edit-in-place]");
    if (editLink) { event.preventDefault(); edit(editLink); return; }
    const copy = event.target.closest("[data-copy-link]");
    if (copy && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(new URL(copy.getAttribute("href"), location.href).href)
        .then(() => { copy.textContent = gettext("Link copied"); });
    }
  });
})();
