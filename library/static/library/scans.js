// Follows unfinished scans on the staff page: polls each one's progress until it is done.
(function () {
  "use strict";
  const POLL_MS = 1000;

  function follow(row) {
    if (!row.isConnected) return;  // another page was swapped in (see quillium/navigate.js)
    fetch(row.dataset.follow, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (scan) {
        if (!scan) return;
        const set = function (field, text) {
          const cell = row.querySelector("[data-field=" + field + "]");
          if (cell) cell.textContent = text;
        };
        row.querySelector("progress").value = scan.percent;
        set("status", scan.status.charAt(0).toUpperCase() + scan.status.slice(1));
        set("folders", scan.folders_done + "/" + scan.folders_total);
        ["added", "changed", "unchanged", "missing", "restored", "message"].forEach(function (field) {
          set(field, String(scan[field]));
        });
        if (!scan.finished_at) setTimeout(function () { follow(row); }, POLL_MS);
      });
  }

  document.querySelectorAll("tr[data-follow]").forEach(follow);
})();
