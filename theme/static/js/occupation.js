// An occupation page with JavaScript: a level chosen shows only the organisations that may
// evaluate it (each row's data-levels). Without it the table lists them all with their levels.
// The level lives in the address (?level=3), so that a filtered page can be shared.
(function () {
  "use strict";

  var form = document.getElementById("level-filter");
  var table = document.getElementById("holders");
  if (!form || !table) { return; }
  var choice = form.elements.level;
  var result = form.querySelector(".filter-result");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  function show(level) {
    var shown = 0;
    rows.forEach(function (row) {
      var kept = !level || row.getAttribute("data-levels").split(" ").indexOf(level) !== -1;
      row.hidden = !kept;
      if (kept) { shown += 1; }
    });
    var label = choice.options[choice.selectedIndex].textContent;
    result.textContent = level ? "可评价" + label + "的机构 " + shown + " 个" : "";
  }

  function remember(level) {
    var url = new URL(window.location.href);
    if (level) { url.searchParams.set("level", level); } else { url.searchParams.delete("level"); }
    window.history.replaceState(null, "", url);
  }

  var asked = new URLSearchParams(window.location.search).get("level") || "";
  if (Array.prototype.some.call(choice.options, function (option) { return option.value === asked; })) {
    choice.value = asked;
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  choice.addEventListener("change", function () {
    remember(choice.value);
    show(choice.value);
  });
  show(choice.value);
}());
