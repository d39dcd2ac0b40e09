/* The search box: results as you type, on the home page and on /search/?q=… (the query and the
   filters stay in the address, so a result can be shared). Registry data is only ever put in
   the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-search]");
  if (!form || !window.MuluSearch) return;

  var STATUS_CLASSES = {
    "公示中": "notice", "有效": "valid", "即将到期": "expiring", "已过期": "expired",
    "已移出": "removed", "未生效": "pending"
  };
  var onPage = form.dataset.search === "page";
  var input = form.elements.q;
  var message = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var manifestUrl = new URL(form.dataset.index, location.href);
  var stores = null;
  var latest = 0; // answers to older keystrokes that arrive late are dropped

  function fetched(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response;
    });
  }

  function fetchJson(url) { return fetched(url).then(function (response) { return response.json(); }); }

  /* The manifest first (see mulu/search/shards.py), then the files it names, relative to it. */
  function loadStores() {
    return stores || (stores = fetchJson(manifestUrl).then(function (manifest) {
      function url(path) { return new URL(path, manifestUrl); }
      return {
        manifest: manifest,
        index: new MuluSearch.ShardedStore(manifest, function (path) {
          return fetched(url(path)).then(function (response) { return response.text(); });
        }),
        display: new MuluSearch.DisplayStore(manifest, function (path) { return fetchJson(url(path)); })
      };
    }));
  }

  function filters() {
    if (!onPage) return {};
    return {
      level: form.elements.level.value, district: form.elements.district.value,
      type: form.elements.type.value, status: form.elements.status.value
    };
  }

  function keep(org, status, wanted) {
    return (!wanted.level || org.levels.indexOf(wanted.level) >= 0) &&
      (!wanted.district || org.district === wanted.district) &&
      (!wanted.type || org.type === wanted.type) &&
      (!wanted.status || status === wanted.status);
  }

  /* Promise of the refs that pass the filters, best first; only fetches what filters need
     when a filter is set. */
  function filtered(s, refs, today) {
    var wanted = filters();
    if (!Object.keys(wanted).some(function (key) { return wanted[key]; })) return Promise.resolve(refs);
    return s.display.facts(refs).then(function (facts) {
      return refs.filter(function (ref, i) {
        return keep(facts[i], MuluSearch.publicStatus(facts[i], today, s.manifest.warningDays), wanted);
      });
    });
  }

  // A 22-character certificate number (职业技能等级证书编号) is answered by the verification page.
  function certificateNumber(text) {
    var compact = text.replace(/\s+/g, "").toUpperCase();
    return /^[SY]\d{21}$/.test(compact) ? compact : null;
  }

  function verifyUrl(certificate) {
    return form.dataset.verify + "?cert=" + encodeURIComponent(certificate);
  }

  function showCertificate(certificate, text) {
    var item = element("li", "result");
    item.append(element("a", "result-name", "核验证书 " + certificate));
    item.firstChild.href = verifyUrl(certificate);
    list.dataset.query = text;
    list.replaceChildren(item);
    message.textContent = "这是一个职业技能等级证书编号：打开证书核验，查看发证机构及其在发证当年可评价的职业和等级。";
  }

  function update() {
    var text = input.value.trim();
    var ticket = ++latest;
    if (onPage) rememberInAddress();
    if (!text) { show([], 0, text); return; }
    var certificate = certificateNumber(text);
    if (certificate) { showCertificate(certificate, text); return; }
    var started = performance.now();
    var today = MuluSearch.dayNumber(new Date());
    loadStores().then(function (s) {
      var byOccupation = new Set(); // refs that matched through their occupations
      var searched; // what the search found besides the results
      return MuluSearch.search(s.index, text).then(function (found) {
        searched = found;
        found.results.forEach(function (r) { if (r.occupation) byOccupation.add(r.ref); });
        return filtered(s, found.results.map(function (r) { return r.ref; }), today);
      }).then(function (refs) {
        var shown = refs.slice(0, s.manifest.shown);
        return s.display.rows(shown).then(function (rows) {
          var orgs = rows.map(function (row, i) { return MuluSearch.organisation(s.manifest, shown[i], row); });
          return Promise.all(orgs.map(function (org) {
            var matched = byOccupation.has(org.ref) ? org.occupations.filter(function (n) { return searched.occupations.has(n); }) : [];
            return s.display.occupations(matched);
          })).then(function (matched) {
            if (ticket !== latest) return;
            show(orgs.map(function (org, i) {
              return { org: org, occupations: matched[i], status: MuluSearch.publicStatus(org, today, s.manifest.warningDays) };
            }), refs.length, text, searched.broad);
            list.dataset.searchMs = (performance.now() - started).toFixed(1);
          });
        });
      });
    }).catch(function () {
      if (ticket === latest) message.textContent = "搜索暂时无法使用，请稍后再试，或浏览机构名录。";
    });
  }

  /* The shown results of a query that found total organisations; broad: its prefixes searched
     as whole words (see searchedTerms in search-core.js). */
  function show(shown, total, text, broad) {
    list.dataset.query = text; // which query the list answers
    list.replaceChildren.apply(list, shown.map(resultItem));
    if (!text) message.textContent = "";
    else if (!total) message.textContent = "没有找到与「" + text + "」相符的机构。请检查是否有错别字，或只输入名称中的几个字、职业名称、备案编号；也可以浏览机构名录。";
    else if (total > shown.length) message.textContent = "找到 " + total + " 个机构，显示最相关的 " + shown.length + " 个。";
    else message.textContent = "找到 " + total + " 个机构。";
    if (broad && broad.length) {
      message.textContent += "以「" + broad.join("」「") + "」开头的编号和词太多，只查找了与它完全相同的；请再多输入几位。";
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* A result: item.occupations are the "code title" of those it matched through. */
  function resultItem(item) {
    var org = item.org;
    var li = element("li", "result");
    var link = element("a", "result-name", org.name);
    link.href = form.dataset.orgUrl + encodeURIComponent(org.creditCode) + "/";
    li.append(link, " ", element("span", "badge badge-" + STATUS_CLASSES[item.status], item.status));
    li.append(element("p", "result-number", org.filingNo ? "备案编号 " + org.filingNo : "公示中，尚未备案"));
    if (item.occupations.length) {
      var titles = item.occupations.map(function (occupation) { return occupation.slice(occupation.indexOf(" ") + 1); });
      li.append(element("p", "result-occupations", "评价职业：" + titles.join("、")));
    }
    return li;
  }

  function rememberInAddress() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value) params.set(key, value); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function restoreFromAddress() {
    var params = new URLSearchParams(location.search);
    params.forEach(function (value, key) {
      if (form.elements[key]) form.elements[key].value = value;
    });
  }

  form.action = form.dataset.page; // with JavaScript, Enter opens the search page
  form.addEventListener("submit", function (event) {
    var certificate = certificateNumber(input.value);
    if (certificate) {
      event.preventDefault();
      location.assign(verifyUrl(certificate));
    } else if (onPage) {
      event.preventDefault();
      update();
    }
  });
  form.addEventListener("input", update);
  // Fetch the manifest while the reader is still placing the cursor, not after the first key.
  input.addEventListener("focus", loadStores, { once: true });
  if (onPage) restoreFromAddress();
  if (input.value.trim()) update();
})();
