// Re-checks every status badge against the reader's clock, so a page built days ago never shows
// an expired filing as valid. A badge carries the registry status and the filing period:
// <span class="badge" data-status="已备案" data-valid-from="2026-01-01" data-valid-until="2028-12-31">
(function () {
  "use strict";

  var LABELS = {
    notice: "公示中", valid: "有效", expiring: "即将到期", expired: "已过期", removed: "已移出", pending: "未生效"
  };
  var DAY_MS = 86400000;

  function isoDay(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    var day = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + day;
  }

  // The day to judge by: the reader's, but never earlier than the page's data date (a page cannot
  // be read before its data last changed, so a slow clock must not turn an expired filing back
  // into a valid one). The page carries no build day: it changes only when its data does.
  function today() {
    var updated = document.body.getAttribute("data-data-date") || "";
    var local = isoDay(new Date());
    return local > updated ? local : updated;
  }

  function warningDays() {
    return Number(document.body.getAttribute("data-warning-days")) || 90;
  }

  // The same rule as the build's: mulu.model.Organisation.public_status.
  function statusFor(status, validFrom, validUntil, day) {
    if (status === "公示中") { return "notice"; }
    if (status === "已移出") { return "removed"; }
    if (!validFrom || !validUntil) { return null; }
    if (day < validFrom) { return "pending"; }
    if (day > validUntil) { return "expired"; }
    var daysLeft = (Date.parse(validUntil) - Date.parse(day)) / DAY_MS;
    return daysLeft <= warningDays() ? "expiring" : "valid";
  }

  function setBadge(badge, slug) {
    badge.className = "badge badge-" + slug;
    badge.textContent = LABELS[slug];
  }

  function refresh(root) {
    var day = today();
    var badges = root.querySelectorAll(".badge[data-status]");
    for (var i = 0; i < badges.length; i++) {
      var badge = badges[i];
      var slug = statusFor(badge.getAttribute("data-status"), badge.getAttribute("data-valid-from"),
        badge.getAttribute("data-valid-until"), day);
      if (slug && badge.textContent !== LABELS[slug]) { setBadge(badge, slug); }
    }
  }

  window.muluStatus = { labels: LABELS, statusFor: statusFor, today: today, refresh: refresh };
  refresh(document);
}());
