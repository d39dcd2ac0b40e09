/* Loaded in <head> without defer, so it runs before the page is first drawn: it marks the page
   as scripted and says which answers its address asks for (asks-q on /search/?q=…, asks-cert and
   asks-org on /verify/), so that the stylesheet shows what needs a script and reserves room for
   the answers before they arrive: nothing on screen moves when they do. */
(function () {
  "use strict";
  var classes = document.documentElement.classList;
  var params = new URLSearchParams(location.search);
  classes.add("js");
  ["q", "cert", "org"].forEach(function (name) {
    if ((params.get(name) || "").trim()) classes.add("asks-" + name);
  });
})();
