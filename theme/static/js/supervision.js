/* 「自己核对」 on /supervision/: draws a published round again in the reader's browser with
 * MuluDraw (draw-core.js) from the round's published inputs (supervision/draws.json and the lists
 * it names), checks the lists' SHA-256, and shows every selection step and whether the picks
 * equal the published ones. Built with DOM nodes and textContent only. */
(function () {
  "use strict";
  const D = window.MuluDraw;
  const root = document.getElementById("draw-check");
  if (!root || !D) return;
  const form = document.getElementById("draw-form");
  const roundSelect = document.getElementById("draw-round");
  const beaconInput = document.getElementById("draw-beacon");
  const output = document.getElementById("draw-result");
  let data = null;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function orgLink(code) {
    const link = element("a", code);
    link.href = root.dataset.orgUrl.replace("{code}", encodeURIComponent(code));
    return link;
  }

  function codes(text) {
    return text ? text.split(";") : [];
  }

  async function fetchText(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error("无法下载 " + url);
    return response.text();
  }

  function digestLine(label, codesList, published) {
    const ok = D.listDigest(codesList) === published;
    return element("li", label + " " + codesList.length + " 个机构，SHA-256 " + (ok ? "与公布的一致" : "与公布的不一致"), ok ? "match" : "mismatch");
  }

  function stepsTable(outcome, labels) {
    const table = element("table");
    table.append(element("caption", "每一次抽取（i 从 0 起）"));
    const head = element("tr");
    for (const title of ["i", "MD5", "候选数", "余数 r", "抽中"]) {
      const th = element("th", title);
      th.scope = "col";
      head.append(th);
    }
    const thead = element("thead");
    thead.append(head);
    table.append(thead);
    const body = element("tbody");
    outcome.steps.forEach((step, index) => {
      const row = element("tr");
      row.append(element("td", String(step[0])), element("td", step[1], "digest"), element("td", String(step[2])),
        element("td", String(step[3])));
      const cell = element("td");
      cell.append(labels[index]);
      row.append(cell);
      body.append(row);
    });
    table.append(body);
    const wrapper = element("div", undefined, "table-scroll");
    wrapper.append(table);
    return wrapper;
  }

  async function check(round, beacon) {
    const [general, focus] = (await Promise.all([fetchText(round.eligible_url), fetchText(round.focus_url)])).map(D.readList);
    const facts = element("ul");
    facts.append(digestLine("一般对象名单", general, round.eligible_sha256), digestLine("重点对象名单", focus, round.focus_sha256));
    const poolKnown = data.pool !== null && D.listDigest(D.readList(data.pool)) === round.pool_sha256;
    const candidates = { general, focus, inspectors: poolKnown ? D.allowedInspectors(data.pool, general.concat(focus)) : null };
    const focusRatio = round.focus_ratio ? D.parseRatio(round.focus_ratio) : null;
    const outcome = D.runDraw(beacon, candidates, D.parseRatio(round.ratio), Number(round.minimum), focusRatio);
    const drawn = outcome.focusPicks.concat(outcome.picks);
    const published = codes(round.focus_picks).concat(codes(round.picks));
    const same = drawn.join(";") === published.join(";");
    const nodes = [element("p", "密钥字符串：" + outcome.key), facts];
    const verdict = same ? "一致：在本机重新抽取的 " + drawn.length + " 个机构及其顺序与公布的结果完全相同。"
      : "不一致：在本机抽取的结果与公布的不同" + (D.canonicalBeacon(beacon) !== round.beacon ? "（您改动了随机数，结果自然不同）。" : "。");
    nodes.push(element("p", verdict, same ? "verdict match" : "verdict mismatch"));
    if (outcome.inspectors) {
      const teams = outcome.inspectors.map((team) => team.join("+")).join(";");
      const sameTeams = round.inspectors === undefined || teams === round.inspectors;
      nodes.push(element("p", "检查人员：" + (sameTeams ? "按公布的名录库重新抽取，与公布的一致。" : "与公布的不同。"), sameTeams ? "match" : "mismatch"));
    } else {
      nodes.push(element("p", "检查人员名录库" + (data.pool === null ? "不公开" : "在抽取之后有变动") + "，本机只核对抽中的机构；检查人员的抽取可由监督部门按同一方法核对。"));
    }
    const labels = drawn.map(orgLink);
    if (outcome.inspectors) outcome.inspectors.forEach((team) => team.forEach((id) => labels.push(document.createTextNode(id))));
    nodes.push(stepsTable(outcome, labels));
    output.replaceChildren(...nodes);
  }

  function chosenRound() {
    return data.rounds.find((round) => round.round === roundSelect.value);
  }

  async function start() {
    const response = await fetch(root.dataset.draws);
    data = await response.json();
    if (!data.rounds.length) return;
    for (const round of data.rounds) roundSelect.append(new Option(round.round + "（" + round.date + "）", round.round));
    beaconInput.value = data.rounds[0].beacon;
    roundSelect.addEventListener("change", () => { beaconInput.value = chosenRound().beacon; });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      output.replaceChildren(element("p", "正在抽取……"));
      check(chosenRound(), beaconInput.value).catch((error) => output.replaceChildren(element("p", "无法核对：" + error.message, "verdict mismatch")));
    });
    root.hidden = false;
  }

  start().catch(() => {});
})();
