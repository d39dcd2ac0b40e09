// The 大字 (large text) and 高对比 (high contrast) reading modes: remembered in localStorage (no
// cookie, nothing sent anywhere) and applied while the page loads, before it is first drawn, so
// pages never flash from one look to the other. Loaded in <head>, without defer.
(function () {
  "use strict";

  var KEY = "mulu-modes";
  var root = document.documentElement;

  function saved() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (error) {  // storage blocked or garbled: the site's own look
      return {};
    }
  }

  function save(modes) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(modes));
    } catch (error) {  // storage blocked: the choice lasts for this page only
    }
  }

  // contrast.css applies by the system's setting; the switch makes it apply always.
  function apply(modes) {
    root.classList.toggle("mode-large", Boolean(modes.large));
    root.classList.toggle("mode-contrast", Boolean(modes.contrast));
    var contrast = document.getElementById("contrast-css");
    if (contrast) { contrast.media = modes.contrast ? "all" : "(prefers-contrast: more)"; }
  }

  function showSwitches() {
    var group = document.querySelector(".modes");
    if (!group) { return; }
    var buttons = group.querySelectorAll("button[data-mode]");
    var modes = saved();
    Array.prototype.forEach.call(buttons, function (button) {
      var mode = button.getAttribute("data-mode");
      button.setAttribute("aria-pressed", String(Boolean(modes[mode])));
      button.addEventListener("click", function () {
        var now = saved();
        now[mode] = !now[mode];
        save(now);
        apply(now);
        button.setAttribute("aria-pressed", String(now[mode]));
      });
    });
    group.hidden = false;
  }

  apply(saved());
  document.addEventListener("DOMContentLoaded", showSwitches);
}());
