// Navigation that keeps a part of the page alive (the mini-player). While an element marked [data-persist] is
// active ([data-active]), links and forms of this site load the next page with fetch and swap in everything but
// that element, so audio never stops; otherwise, and for anything unusual, the browser navigates as it always does.
// Pages stay server-rendered: the swap takes the whole <body> the server sent, and runs the page's own scripts.
(() => {
  "use strict";
  const SKIP = /^\/(admin|api|static|media)\//;
  const active = () => !!document.querySelector("[data-persist][data-active]");
  const withoutHash = (href) => href.split("#")[0];
  let shown = withoutHash(location.href);  // the page on screen, whatever its #hash

  const sameDocument = (url) => url.pathname === location.pathname && url.search === location.search;

  function eligible(url) {
    return url.origin === location.origin && !SKIP.test(url.pathname);
  }

  // The page's own scripts (not the shell's, which run once) run again for the page swapped in.
  function runPageScripts(next) {
    document.head.querySelectorAll("script[data-page-script]").forEach((script) => script.remove());
    const nonce = document.querySelector("script[nonce]")?.nonce || "";
    for (const old of next.head.querySelectorAll("script[src]:not([data-shell])")) {
      const script = document.createElement("script");
      script.src = old.src;
      script.async = false;  // in document order, like deferred scripts
      script.nonce = nonce;
      script.dataset.pageScript = "";
      document.head.append(script);
    }
  }

  function swap(next) {
    document.title = next.title;
    for (const name of ["lang", "data-theme"]) {
      const value = next.documentElement.getAttribute(name);
      if (value !== null) document.documentElement.setAttribute(name, value);
    }
    const kept = new Set([...document.body.querySelectorAll(":scope > [data-persist]")].map((node) => node.id));
    const anchor = document.body.querySelector(":scope > [data-persist]");
    for (const child of [...document.body.children]) if (!child.matches("[data-persist]")) child.remove();
    for (const child of [...next.body.children]) {
      if (child.matches("[data-persist]") && kept.has(child.id)) continue;  // ours plays on
      document.body.insertBefore(document.adoptNode(child), anchor);
    }
    runPageScripts(next);
    document.dispatchEvent(new CustomEvent("quillium:page"));
  }

  function arrive(url) {
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (target) target.scrollIntoView();
    else window.scrollTo(0, 0);
    const main = document.querySelector("main");
    if (main) {  // where a screen reader and the keyboard start on a new page
      main.setAttribute("tabindex", "-1");
      main.focus({ preventScroll: true });
    }
  }

  async function download(response) {
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(response.headers.get("Content-Disposition") || "");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? decodeURIComponent(name[1]) : "";
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // `fallback`: what the browser would have done itself, for when the fetch fails (the browser says why).
  async function visit(url, { method = "GET", body = null, push = true, fallback = () => location.assign(url) } = {}) {
    let response;
    try {
      response = await fetch(url, { method, body, credentials: "same-origin" });
    } catch (error) {
      fallback();
      return;
    }
    if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) {
      if (method === "GET" && !response.headers.get("Content-Disposition")) location.assign(response.url);
      else await download(response);
      return;
    }
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const landed = new URL(response.url);
    if (!response.redirected && url.hash) landed.hash = url.hash;
    swap(next);
    if (push) history.pushState({ quillium: true }, "", landed);
    else history.replaceState({ quillium: true }, "", landed);
    shown = withoutHash(location.href);
    arrive(landed);
  }

  function submitNatively(form, submitter) {
    if (submitter?.name) {  // form.submit() sends no button: carry the one that was pressed
      const pressed = Object.assign(document.createElement("input"), { type: "hidden", name: submitter.name });
      pressed.value = submitter.value;
      form.append(pressed);
    }
    form.submit();
  }

  // After the page's own handlers (they may take the event: chat streaming, ticking a task).
  window.addEventListener("click", (event) => {
    if (!active() || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download") || link.closest("[data-full-load]")) return;
    const url = new URL(link.href, location.href);
    if (!eligible(url) || (sameDocument(url) && url.hash)) return;
    event.preventDefault();
    visit(url);
  });

  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (!active() || event.defaultPrevented || form.target || form.closest("[data-full-load]")) return;
    const url = new URL(form.action, location.href);
    if (!eligible(url)) return;
    event.preventDefault();
    const data = new FormData(form, event.submitter);
    if (form.method.toLowerCase() === "get") {
      url.search = new URLSearchParams(data).toString();
      visit(url);
    } else {
      visit(url, { method: "POST", body: data, fallback: () => submitNatively(form, event.submitter) });
    }
  });

  // Back and forward between pages swapped in: show the page of the entry (a change of #hash is not one).
  window.addEventListener("popstate", () => {
    if (withoutHash(location.href) === shown) return;
    shown = withoutHash(location.href);
    if (active()) visit(new URL(location.href), { push: false });
    else location.reload();
  });

  // For page scripts that would reload the page (a bot finished writing): in place while something plays.
  window.quilliumReload = () => (active() ? visit(new URL(location.href), { push: false }) : location.reload());
})();
