// /orgs/ with JavaScript: the filter form combines district, type, status, level and a text
// query over every organisation (orgs/rows.json) instead of one pre-built page per filter value.
// The filters live in the address (?district=310115&level=3) so a filtered list can be shared;
// the home page's search form sends ?q= here too.
(function () {
  "use strict";

  var form = document.getElementById("org-filter");
  var list = document.getElementById("org-list");
  if (!form || !list || !window.fetch) { return; }
  var KINDS = ["q", "district", "type", "status", "level"];
  var pageSize = Number(form.getAttribute("data-page-size")) || 200;
  var siteUrl = form.getAttribute("data-siteurl") || "";
  var result = form.querySelector(".filter-result");
  var data = null;
  var shown = pageSize;

  function field(row, name) { return row[data.fields.indexOf(name)]; }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function values() {
    var chosen = {};
    KINDS.forEach(function (kind) { chosen[kind] = form.elements[kind].value.trim(); });
    return chosen;
  }

  function status(row) {
    return window.muluStatus.statusFor(field(row, "status"), field(row, "valid_from"),
      field(row, "valid_until"), window.muluStatus.today());
  }

  function filtered(row, chosen) {
    return (!chosen.district || field(row, "district") === chosen.district) &&
      (!chosen.type || field(row, "type") === chosen.type) &&
      (!chosen.status || status(row) === chosen.status) &&
      (!chosen.level || field(row, "levels").indexOf(chosen.level) !== -1);
  }

  /* The words of the query the row's name, credit code or 备案编号 holds. */
  function wordsIn(row, words) {
    var text = [field(row, "name"), field(row, "code"), field(row, "filing_no")].join(" ").toLowerCase();
    return words.filter(function (word) { return text.indexOf(word.toLowerCase()) !== -1; });
  }

  function quoted(words) {
    return words.map(function (w) { return "「" + w + "」"; }).join("");
  }

  /* The rows the filters keep that hold every word of the query; when none does, those that
     hold some (partial: true), each with the words it holds. */
  function found(chosen) {
    var words = chosen.q.split(/\s+/).filter(Boolean);
    var kept = data.rows.filter(function (row) { return filtered(row, chosen); })
      .map(function (row) { return { row: row, words: wordsIn(row, words) }; });
    var all = kept.filter(function (r) { return r.words.length === words.length; });
    var some = kept.filter(function (r) { return r.words.length; });
    return all.length || !words.length || !some.length ? { rows: all, words: words, partial: false }
      : { rows: some, words: words, partial: true };
  }

  function badge(row) {
    var node = element("span", "", "badge");
    node.setAttribute("data-status", field(row, "status"));
    node.setAttribute("data-valid-from", field(row, "valid_from"));
    node.setAttribute("data-valid-until", field(row, "valid_until"));
    return node;
  }

  function tableRow(row, note) {
    var tr = document.createElement("tr");
    var link = element("a", field(row, "name"));
    link.href = siteUrl + "/org/" + field(row, "code") + "/";
    var name = document.createElement("td");
    name.appendChild(link);
    if (note) { name.appendChild(element("p", note, "row-words")); }
    tr.appendChild(name);
    tr.appendChild(element("td", data.types[field(row, "type")]));
    tr.appendChild(element("td", data.districts[field(row, "district")]));
    tr.appendChild(element("td", field(row, "level_range")));
    var state = document.createElement("td");
    state.appendChild(badge(row));
    tr.appendChild(state);
    return tr;
  }

  function table(rows, total, notes) {
    var wrap = element("div", undefined, "table-scroll");
    var t = element("table", undefined, "orgs");
    t.appendChild(element("caption", "筛选结果：共 " + total + " 个机构" + (rows.length < total ? "，显示前 " + rows.length + " 个" : "")));
    var head = document.createElement("thead");
    var headRow = document.createElement("tr");
    ["机构名称", "机构类型", "所在区", "等级", "状态"].forEach(function (title) {
      var th = element("th", title);
      th.scope = "col";
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    t.appendChild(head);
    var body = document.createElement("tbody");
    rows.forEach(function (row, i) { body.appendChild(tableRow(row, notes && notes[i])); });
    t.appendChild(body);
    wrap.appendChild(t);
    return wrap;
  }

  function render() {
    var chosen = values();
    var answer = found(chosen);
    var rows = answer.rows.map(function (r) { return r.row; });
    var notes = answer.partial ? answer.rows.map(function (r) {
      var lacking = answer.words.filter(function (w) { return r.words.indexOf(w) < 0; });
      return "符合" + quoted(r.words) + "；不含" + quoted(lacking);
    }) : null;
    list.replaceChildren(table(rows.slice(0, shown), rows.length, notes));
    if (rows.length > shown) {
      var more = element("button", "再显示 " + Math.min(pageSize, rows.length - shown) + " 个", "more");
      more.type = "button";
      more.addEventListener("click", function () { shown += pageSize; render(); });
      list.appendChild(more);
    }
    window.muluStatus.refresh(list);
    result.textContent = answer.partial
      ? "没有同时符合" + quoted(answer.words) + "的机构。以下 " + rows.length + " 个机构只符合其中部分词语"
      : "找到 " + rows.length + " 个机构";
    remember(chosen);
  }

  function remember(chosen) {
    var params = new URLSearchParams();
    KINDS.forEach(function (kind) { if (chosen[kind]) { params.set(kind, chosen[kind]); } });
    var query = params.toString();
    history.replaceState(null, "", siteUrl + "/orgs/" + (query ? "?" + query : ""));
  }

  // The filter page's own value (data-district="310115") and the address's, the latter winning.
  function initialValues() {
    var params = new URLSearchParams(location.search);
    var any = false;
    KINDS.forEach(function (kind) {
      var value = params.get(kind) || form.getAttribute("data-" + kind);
      if (value) { form.elements[kind].value = value; any = any || params.has(kind); }
    });
    return any;
  }

  form.hidden = false;
  var links = document.querySelector(".filter-links");
  if (links) { links.open = false; }  // the form does what the links do
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  // A reader may choose before the rows arrive: the choice is shown once they have.
  var asked = initialValues();
  form.addEventListener("input", function () {
    shown = pageSize;
    asked = true;
    if (data) { render(); }
  });
  fetch(form.getAttribute("data-rows")).then(function (response) { return response.json(); }).then(function (rows) {
    data = rows;
    if (asked) { render(); }
  });
}());
