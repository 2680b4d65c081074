// While a bot is writing, poll the memo's replies and show the text as it grows; reload once all are done
// (so the final Markdown is rendered by the server, the same way as everywhere else).
(function () {
  const thread = document.querySelector(".bot-thread[data-busy]");
  if (!thread) return;
  const first = `${thread.dataset.repliesUrl}?page_size=200`;
  async function allReplies() {  // the list is paginated; a long thread spans pages
    const replies = [];
    for (let url = first; url;) {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return null;
      const page = await response.json();
      replies.push(...page.results);
      url = page.next;
    }
    return replies;
  }
  const reload = () => (window.quilliumReload || (() => window.location.reload()))();
  async function poll() {
    if (!thread.isConnected) return;  // another page was swapped in (see quillium/navigate.js)
    try {
      const replies = await allReplies();
      if (replies) {
        let busy = false;
        for (const reply of replies) {
          const article = thread.querySelector(`[data-reply="${reply.id}"]`);
          if (!article) { reload(); return; }  // a bot has started answering
          if (reply.status === "pending" || reply.status === "running") {
            busy = true;
            if (reply.content) article.querySelector("[data-content]").textContent = reply.content;
          } else if (!article.classList.contains(reply.status)) {
            reload();
            return;
          }
        }
        if (!busy) { reload(); return; }
      }
    } catch (error) { /* the next poll tries again */ }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
