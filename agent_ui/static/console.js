// The queue page keeps itself current: every few seconds it reads the page again and swaps in
// its live part (#console-live), as the server rendered it (escaped there; nothing here builds
// markup). A failed read leaves the last view in place and tries again at the next tick.
(function () {
  "use strict";
  const live = document.getElementById("console-live");
  if (!live) return;
  const seconds = Number(live.dataset.refreshS) || 5;
  async function refresh() {
    try {
      const answer = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!answer.ok) return;
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const fresh = page.getElementById("console-live");
      const current = document.getElementById("console-live");
      if (fresh && current) current.replaceWith(document.adoptNode(fresh));
    } catch (error) {
      // offline for a moment: the next tick tries again
    }
  }
  window.setInterval(refresh, seconds * 1000);
})();
