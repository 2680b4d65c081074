// Ticks a memo's task without reloading the page; without this file the box posts the page's task form.
(() => {
  if (!window.fetch) return;
  document.addEventListener("click", async (event) => {
    const box = event.target.closest("button.task-box");
    if (!box || !box.form) return;
    event.preventDefault();
    const article = box.closest("[data-memo]");
    const index = [...article.querySelectorAll("button.task-box")].indexOf(box);
    const data = new FormData(box.form);
    data.set("revision", box.value);
    box.disabled = true;
    const response = await fetch(box.formAction, { method: "POST", body: data, headers: { "X-Requested-With": "fetch" } })
      .catch(() => null);
    article.querySelector(".task-error")?.remove();
    if (!response || !response.ok) {
      const problem = document.createElement("p");
      problem.className = "message error task-error";
      problem.setAttribute("role", "alert");
      problem.textContent = response ? await response.text() : gettext("Not saved: the connection failed.");
      article.prepend(problem);
      box.disabled = false;
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("article");
    article.querySelector(".markdown").replaceWith(fresh.querySelector(".markdown"));
    const count = article.querySelector(".tasks-done");
    if (count) count.textContent = fresh.querySelector(".tasks-done")?.textContent ?? "";
    article.querySelectorAll("button.task-box")[index]?.focus();
  });
})();
