/* The search box: results as you type, on the home page and on /search/?q=… (the query and the
   filters stay in the address, so a result can be shared). Words that name a district, type,
   level, status or occupation are applied as filters the reader sees and can remove; the page
   says plainly when no organisation has every word, and what it shows instead. Registry data
   is only ever put in the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-search]");
  if (!form || !window.MuluSearch) return;

  var STATUS_CLASSES = {
    "公示中": "notice", "有效": "valid", "即将到期": "expiring", "已过期": "expired",
    "已移出": "removed", "未生效": "pending"
  };
  var KIND_LABELS = { district: "所在区", type: "机构类型", level: "等级", status: "状态", occupation: "职业" };
  var onPage = form.dataset.search === "page";
  var input = form.elements.q;
  var message = document.getElementById("search-status");
  var understood = document.getElementById("search-understood");
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
      function text(path) { return fetched(url(path)).then(function (response) { return response.text(); }); }
      return {
        manifest: manifest,
        index: new MuluSearch.ShardedStore(manifest, text),
        display: new MuluSearch.DisplayStore(manifest, function (path) { return fetchJson(url(path)); }),
        filters: new MuluSearch.FilterStore(text)
      };
    }));
  }

  var SELECTS = ["level", "district", "type", "status"];

  function selected() {
    var chosen = {};
    if (onPage) SELECTS.forEach(function (name) { chosen[name] = form.elements[name].value; });
    return chosen;
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
    understood.replaceChildren();
    list.dataset.query = text;
    list.replaceChildren(item);
    message.textContent = "这是一个职业技能等级证书编号：打开证书核验，查看发证机构及其在发证当年可评价的职业和等级。";
  }

  function update() {
    var text = input.value.trim();
    var ticket = ++latest;
    if (onPage) rememberInAddress();
    if (!text) { show(null, text); return; }
    var certificate = certificateNumber(text);
    if (certificate) { showCertificate(certificate, text); return; }
    var started = performance.now();
    var today = MuluSearch.dayNumber(new Date());
    loadStores().then(function (s) {
      return MuluSearch.answer(s, text, selected(), today).then(function (found) {
        var shown = found.refs.slice(0, s.manifest.shown);
        return s.display.rows(shown).then(function (rows) {
          var orgs = rows.map(function (row, i) { return MuluSearch.organisation(s.manifest, shown[i], row); });
          var grants = orgs.map(function (org) { return namedGrants(found, org); });
          return Promise.all(grants.map(function (g) {
            return s.display.occupations(g.map(function (grant) { return grant.number; }));
          })).then(function (names) {
            if (ticket !== latest) return;
            var items = orgs.map(function (org, i) {
              return {
                org: org, status: MuluSearch.publicStatus(org, today, s.manifest.warningDays),
                grants: grants[i].map(function (grant, j) { return { name: names[i][j], levels: grant.levels }; }),
                result: found.found && resultOf(found.found, org.ref)
              };
            });
            show({ answer: found, items: items, manifest: s.manifest }, text);
            list.dataset.searchMs = (performance.now() - started).toFixed(1);
          });
        });
      });
    }).catch(function () {
      if (ticket === latest) message.textContent = "搜索暂时无法使用，请稍后再试，或浏览机构名录。";
    });
  }

  function resultOf(found, ref) {
    return found.results.find(function (r) { return r.ref === ref; });
  }

  /* The organisation's occupations the query matched, with their levels: those one of whose
     tokens a text term reached (when it matched through its occupations) and those a word
     named. */
  function namedGrants(found, org) {
    var result = found.found && resultOf(found.found, org.ref);
    var codes = new Set([].concat.apply([], found.conds.filter(function (c) { return c.kind === "occupation"; })
      .map(function (c) { return c.values; })));
    return org.occupations.map(function (number, i) { return { number: number, levels: org.grantLevels[i] }; })
      .filter(function (grant) {
        var name = found.named.get(grant.number);
        return (result && result.occupation && found.found.occupations.has(grant.number)) ||
          (name !== undefined && codes.has(name.split(" ")[0]));
      });
  }

  function quoted(words) {
    return words.map(function (w) { return "「" + w + "」"; }).join("");
  }

  function levelName(manifest, code) {
    var level = manifest.levels.find(function (l) { return String(l[0]) === String(code); });
    return level ? level[1] : String(code);
  }

  /* A condition as the reader reads it: 所在区 浦东新区, 职业 电工（6-31-01-03）. */
  function conditionText(answer, manifest, condition) {
    var value = function (v) {
      if (condition.kind === "district") return manifest.districts[v];
      if (condition.kind === "type") return manifest.types[v];
      if (condition.kind === "level") return (manifest.levels.find(function (l) { return l[0] === v; }) || [v, v, v])[2];
      if (condition.kind === "occupation") {
        var named = Array.from(answer.named.values()).find(function (name) { return name.split(" ")[0] === v; });
        return (named ? named.slice(named.indexOf(" ") + 1).split("/")[0] : "") + "（" + v + "）";
      }
      return v;
    };
    return KIND_LABELS[condition.kind] + " " + condition.values.map(value).join(" 或 ");
  }

  /* The query without a condition's words (null: without its text words). */
  function queryWithout(answer, condition) {
    return answer.parts.map(function (part) {
      if (!part.recognised.length) return condition === null ? "" : part.word;
      var pieces = condition && !condition.select ? condition.pieces : [];
      return part.recognised.filter(function (r) { return pieces.indexOf(r) < 0; }).map(function (r) { return r.word; }).join("");
    }).filter(Boolean).join(" ");
  }

  /* The search page's address for the query without a condition (see queryWithout). */
  function addressWithout(answer, condition) {
    var params = new URLSearchParams();
    var q = queryWithout(answer, condition);
    if (q) params.set("q", q);
    SELECTS.forEach(function (name) {
      var value = onPage ? form.elements[name].value : "";
      if (value && !(condition && condition.select === name)) params.set(name, value);
    });
    return form.dataset.page + "?" + params.toString();
  }

  /* An alternative as a link's text: what it drops, what it still looks for, what it finds. */
  function alternativeText(answer, manifest, condition, count) {
    var kept = answer.conds.filter(function (c) { return c !== condition; }).map(function (c) { return conditionText(answer, manifest, c); });
    if (condition !== null && answer.rest.length) kept.push("与" + quoted(answer.rest) + "相符");
    var what = condition === null ? "不限" + quoted(answer.rest) + "，"
      : condition.kind === "district" ? "在全市查找，" : "不限" + KIND_LABELS[condition.kind] + "，";
    return what + "按" + kept.join("、") + "：" + count + " 个机构";
  }

  /* The conditions the words were understood as, each with a button that removes its words. */
  function showUnderstood(answer, manifest) {
    var typed = answer.conds.filter(function (c) { return !c.select; });
    if (!typed.length) return;
    var items = typed.map(function (condition) {
      var item = element("li", "", conditionText(answer, manifest, condition));
      var words = condition.pieces.map(function (p) { return p.word; });
      var remove = element("button", "remove", "去掉");
      remove.type = "button";
      remove.setAttribute("aria-label", "去掉条件「" + conditionText(answer, manifest, condition) + "」（查询中的" + quoted(words) + "）");
      remove.addEventListener("click", function () {
        input.value = queryWithout(answer, condition);
        input.focus();
        update();
      });
      item.append(" ", remove);
      return item;
    });
    var intro = element("p", "", "已把查询中的词语用作筛选条件：");
    var conditions = element("ul", "conditions");
    conditions.setAttribute("aria-label", "已识别的筛选条件");
    conditions.replaceChildren.apply(conditions, items);
    understood.append(intro, conditions);
  }

  /* What the status line says of an answer: what the words were taken as, what was found and
     what the count counts. */
  function summary(answer, manifest, total, shown) {
    var conds = answer.conds.map(function (c) { return conditionText(answer, manifest, c); });
    var by = conds.length ? "按" + conds.join("、") + (answer.rest.length ? "，查找" + quoted(answer.rest) : "") + "：" : "";
    var more = total > shown ? (answer.rest.length ? "，显示最相关的 " : "，显示前 ") + shown + " 个" : "";
    if (answer.partial) {
      var which = answer.rest.length > 1 ? "没有同时符合" + quoted(answer.rest) + "的机构。以下是只符合其中部分词语的机构"
        : "没有与" + quoted(answer.rest) + "完全相符的机构。以下是部分相符的机构";
      return by + which + "：共 " + total + " 个" + more + "。";
    }
    if (total) return by + "找到 " + total + " 个" + (conds.length ? "符合条件的" : "") + "机构" + more + "。";
    if (conds.length) {
      return "没有同时符合以下全部条件的机构：" + conds.join("；") + (answer.rest.length ? "；与" + quoted(answer.rest) + "相符" : "") + "。" +
        (answer.alternatives.length ? "去掉其中一个条件，可以找到：" : "去掉其中任何一个条件也找不到机构，请减少条件或换个说法。");
    }
    return "没有找到与「" + answer.parts.map(function (p) { return p.word; }).join(" ") + "」相符的机构。请检查是否有错别字，或只输入名称中的几个字、职业名称、备案编号；也可以浏览机构名录。";
  }

  /* The answer (null: nothing typed) in the status line, the understood conditions and the list. */
  function show(shown, text) {
    list.dataset.query = text; // which query the list answers
    if (!shown) {
      understood.replaceChildren();
      list.replaceChildren();
      message.textContent = "";
      return;
    }
    var answer = shown.answer, manifest = shown.manifest;
    understood.replaceChildren();
    message.textContent = summary(answer, manifest, answer.refs.length, shown.items.length);
    var broad = answer.found ? answer.found.broad : [];
    if (broad.length) message.textContent += "以「" + broad.join("」「") + "」开头的编号和词太多，只查找了与它完全相同的；请再多输入几位。";
    if (!answer.refs.length && answer.alternatives.length) {
      var offers = element("ul", "alternatives");
      offers.setAttribute("aria-label", "可以找到机构的查询");
      offers.replaceChildren.apply(offers, answer.alternatives.map(function (a) {
        var link = element("a", "", alternativeText(answer, manifest, a.drop, a.count));
        link.href = addressWithout(answer, a.drop);
        var item = element("li");
        item.append(link);
        return item;
      }));
      understood.append(offers);
    }
    showUnderstood(answer, manifest);
    list.replaceChildren.apply(list, shown.items.map(function (item) { return resultItem(item, answer, manifest); }));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The bit of a field (FIELDS in mulu/search/index.py: "a" address, "t" phone) in a result's fields. */
  function fieldBit(manifest, name) {
    return 1 << manifest.fields.findIndex(function (field) { return field[0] === name; });
  }

  /* Why a result is listed: for a partial answer the words it has and lacks; else, when only
     its phone number or address matched, that. */
  function why(item, answer, manifest) {
    var result = item.result;
    if (!result) return null;
    if (answer.partial) {
      var words = MuluSearch.wordsOf(answer.found, answer.rest, result);
      return (words.matched.length ? "符合" + quoted(words.matched) : "") + (words.matched.length && words.lacking.length ? "；" : "") +
        (words.lacking.length ? "不含" + quoted(words.lacking) : "");
    }
    var phone = result.fields & fieldBit(manifest, "t"), address = result.fields & fieldBit(manifest, "a");
    if (result.fields & ~(phone | address)) return null;
    return "只有" + (phone && address ? "联系电话和地址" : phone ? "联系电话" : "地址") + "与查询相符";
  }

  function resultItem(item, answer, manifest) {
    var org = item.org;
    var li = element("li", "result");
    var link = element("a", "result-name", org.name);
    link.href = form.dataset.orgUrl + encodeURIComponent(org.creditCode) + "/";
    li.append(link, " ", element("span", "badge badge-" + STATUS_CLASSES[item.status], item.status));
    li.append(element("p", "result-number", org.filingNo ? "备案编号 " + org.filingNo : "公示中，尚未备案"));
    li.append(element("p", "result-facts", org.district + " · " + org.type));
    if (item.grants.length) {
      var grants = item.grants.map(function (grant) {
        var title = grant.name.slice(grant.name.indexOf(" ") + 1);
        var levels = Array.from(grant.levels).map(function (level) { return levelName(manifest, level); });
        return title + "（" + levels.join("、") + "）";
      });
      li.append(element("p", "result-occupations", "评价职业：" + grants.join("；")));
    }
    var reason = why(item, answer, manifest);
    if (reason) li.append(element("p", "result-why", reason));
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
