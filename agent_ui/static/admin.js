// The admin page: one section shown at a time (the address's #fragment names it), each loaded
// when first shown and again after every change it makes.
import { $ } from "/static/admin_forms.js";
import { loadUsers, wireUsers } from "/static/admin_users.js";
import { loadQueues, wireQueues } from "/static/admin_queues.js";
import { loadCanned, wireCodes } from "/static/admin_codes.js";
import { loadSites, wireSites } from "/static/admin_sites.js";
import { loadAudit, wireAudit } from "/static/admin_audit.js";

const LOADERS = { users: loadUsers, queues: loadQueues, codes: loadQueues, canned: loadCanned, sites: loadSites, audit: loadAudit };

function show() {
  const wanted = (location.hash || "#users").slice(1);
  const tab = wanted in LOADERS ? wanted : "users";
  for (const section of document.querySelectorAll(".admin-tab")) section.hidden = section.dataset.tab !== tab;
  for (const link of document.querySelectorAll(".admin-tabs a")) {
    if (link.dataset.tab === tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  $("admin-status").textContent = "";
  LOADERS[tab]();
}

wireUsers();
wireQueues();
wireCodes();
wireSites();
wireAudit();
window.addEventListener("hashchange", show);
show();
