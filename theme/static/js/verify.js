/* The /verify/ page: reads the question from the address (so answers can be shared as links),
 * answers it with MuluVerify (verify-core.js) and shows the answer with DOM nodes only. It
 * fetches meta.json, then only the bucket file of the organisation a question names. */
(function () {
  "use strict";
  const V = window.MuluVerify;
  const root = document.getElementById("verify");
  const VERDICTS = { authorised: "已获授权", not_authorised: "未获授权", unknown: "无法判断" };

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function orgLink(org) {
    const link = element("a", org.n);
    link.href = root.dataset.orgUrl.replace("{code}", encodeURIComponent(org.c));
    return link;
  }

  function show(target, ...nodes) {
    target.replaceChildren(...nodes);
  }

  function issuer(org) {
    const line = element("p", "机构：");
    line.append(orgLink(org), "（备案编号 " + (org.f || "无") + "，统一社会信用代码 " + org.c + "）");
    return line;
  }

  function renderAnswer(target, org, answer) {
    const nodes = [element("p", VERDICTS[answer.verdict], "verdict verdict-" + answer.verdict.replace("_", "-")),
      element("p", answer.reason, "reason"), issuer(org)];
    if (answer.events.length) {
      nodes.push(element("p", "依据："));
      const list = element("ul", undefined, "basis");
      for (const event of answer.events) {
        list.append(element("li", V.isoDate(event.day) + " " + event.event + (event.document ? "（" + event.document + "）" : "")));
      }
      nodes.push(list);
    }
    show(target, ...nodes);
  }

  function optionLink(reading, option, number) {
    const params = new URLSearchParams({ org: reading.org.f, occupation: option.code, level: reading.level, cert: number });
    const link = element("a", option.name);
    link.href = "?" + params.toString();
    const spans = option.spans.map(([a, b]) => V.isoDate(a) + " 至 " + V.isoDate(b)).join("、");
    const item = element("li");
    item.append(link, "（" + reading.year + " 年内授权期间：" + spans + "）");
    return item;
  }

  function renderCertificate(data, target, number) {
    const reading = V.readCertificate(data, number);
    if (reading.kind !== "ok") {
      show(target, element("p", reading.message, reading.kind === "employer" || reading.kind === "other_province" ? "explain" : "error"));
      return;
    }
    const level = data.lv[reading.level];
    const nodes = [issuer(reading.org), element("p", "证书年份 " + reading.year + " 年，等级 " + level + "。")];
    if (!reading.options.length) {
      nodes.push(element("p", "该机构在 " + reading.year + " 年没有任何职业的 " + level + " 授权；请核对证书编号，或按下方表单核验发证日期当天的情况。", "warning"));
    } else {
      nodes.push(element("p", "该机构在 " + reading.year + " 年可评价以下职业的 " + level + "。请选择证书上的职业，再填写证书上的发证日期："));
      const list = element("ul", undefined, "options");
      for (const option of reading.options) list.append(optionLink(reading, option, number.replace(/\s+/g, "").toUpperCase()));
      nodes.push(list);
    }
    show(target, ...nodes);
  }

  function fillForm(params) {
    for (const name of ["cert", "org", "occupation", "level", "date"]) {
      const value = params.get(name);
      if (value !== null) document.getElementById(name).value = value;
    }
  }

  /* The question in the address, or null when there is none; prompts for a missing date and
     says which occupations a name that is not one could mean. The occupation may be typed as
     a name (see occupationCode); the question then asks by its code. */
  function questionIn(params, target, occupations) {
    const question = { org: params.get("org"), occupation: params.get("occupation"), level: params.get("level"), date: params.get("date") };
    if (!question.org && !question.occupation) return null;
    const typed = question.occupation || "";
    const { code, matches } = occupationCode(occupations, typed);
    if (code) {
      question.occupation = code;
      document.getElementById("occupation").value = code;
    } else if (matches.length) {
      show(target, element("p", "「" + typed.trim() + "」可能是以下职业(工种)之一，请在「职业(工种)」中选择：" +
        matches.slice(0, MAX_OFFERED).map(([c, name]) => c + " " + name).join("、") +
        (matches.length > MAX_OFFERED ? " 等 " + matches.length + " 个" : ""), "prompt"));
      return null;
    }
    if (!question.date) {
      show(target, element("p", "请填写证书上的发证日期，再点击「核验」。", "prompt"));
      document.getElementById("date").focus();
      return null;
    }
    return question;
  }

  function answerQuestion(data, question, target) {
    try {
      const { org, answer } = V.ask(data, question);
      renderAnswer(target, org, answer);
    } catch (error) {
      if (!(error instanceof V.QuestionError)) throw error;
      show(target, element("p", error.message, "error"));
    }
  }

  async function fetchJson(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(response.statusText);
    return response.json();
  }

  /* Each bucket fetched once: a certificate and the question it leads to name one organisation. */
  const buckets = new Map();
  function fetchBucket(number) {
    if (!buckets.has(number)) buckets.set(number, fetchJson(root.dataset.bucket.replace("{n}", number)));
    return buckets.get(number);
  }

  const MAX_OFFERED = 12; // occupations the list offers at once

  /* The occupations [code, name] whose code starts with the typed text or whose name holds it. */
  function matchingOccupations(occupations, text) {
    const typed = text.normalize("NFKC").trim();
    return typed ? occupations.filter(([code, name]) => code.startsWith(typed) || name.includes(typed)) : [];
  }

  /* {code} of a typed occupation (a code as written, a name, or the one occupation whose code
     or name holds the text), else {matches}: the occupations it could mean. */
  function occupationCode(occupations, text) {
    const typed = text.normalize("NFKC").trim();
    if (V.OCCUPATION_SHAPE.test(typed)) return { code: typed };
    const named = occupations.find(([, name]) => name === typed);
    if (named) return { code: named[0] };
    const matches = matchingOccupations(occupations, typed);
    return matches.length === 1 ? { code: matches[0][0] } : { matches };
  }

  /* The occupation field as a combobox (the ARIA pattern): typing a name or the start of a
     code lists the matching occupations; arrow keys, Enter or a click choose one, which puts
     its code in the field. */
  function offerOccupations(occupations) {
    const input = document.getElementById("occupation");
    const list = document.getElementById("occupation-options");
    const count = document.getElementById("occupation-count");
    let active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const items = [...list.children];
      active = (index + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(item) {
      input.value = item.dataset.code;
      count.textContent = "已选择 " + item.textContent;
      close();
    }
    function offer() {
      const found = matchingOccupations(occupations, input.value);
      list.replaceChildren(...found.slice(0, MAX_OFFERED).map(([code, name], i) => {
        const item = element("li", code + " " + name);
        Object.assign(item, { id: "occupation-option-" + i });
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.code = code;
        return item;
      }));
      close();
      const chosen = found.length === 1 && found[0][0] === input.value.trim();
      count.textContent = !input.value.trim() || chosen ? "" : found.length
        ? "有 " + found.length + " 个匹配的职业(工种)" + (found.length > MAX_OFFERED ? "，列出前 " + MAX_OFFERED + " 个" : "") + "，可用上下方向键选择"
        : "没有匹配的职业(工种)";
      if (found.length && !chosen) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }
    input.addEventListener("input", offer);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && list.hidden) offer();
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.children[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    // mousedown, not click: the field must not lose focus (and close the list) first.
    list.addEventListener("mousedown", (event) => {
      const item = event.target.closest("li");
      if (item) {
        event.preventDefault();
        choose(item);
      }
    });
  }

  /* [code, name] of each occupation, in the order the data numbers them (see verify.html). */
  function occupationTable() {
    return [...document.querySelectorAll("#occupation-list option")].map((option) =>
      [option.value, option.textContent.slice(option.value.length + 1)]);
  }

  async function start() {
    const params = new URLSearchParams(window.location.search);
    fillForm(params);
    const occupations = occupationTable();
    offerOccupations(occupations);
    const answerBox = document.getElementById("answer");
    const certificateBox = document.getElementById("certificate-result");
    const certificate = params.get("cert");
    const question = questionIn(params, answerBox, occupations);
    let certificateData, questionData;
    try {
      const meta = Object.assign(await fetchJson(root.dataset.meta), { oc: occupations });
      if (certificate) certificateData = await V.dataFor(meta, V.certificateKey(meta, certificate), fetchBucket);
      if (question) questionData = await V.dataFor(meta, V.questionKey(question), fetchBucket);
    } catch (error) {
      show(answerBox, element("p", "核验数据加载失败，请刷新页面重试，或在机构页面查看其授权时间线。", "error"));
      return;
    }
    if (certificate) renderCertificate(certificateData, certificateBox, certificate);
    if (question) answerQuestion(questionData, question, answerBox);
    root.dataset.ready = "true";
  }

  start();
})();
