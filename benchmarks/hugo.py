"""The Hugo reference: the same organisation pages as one content file each, rendered by a
minimal layout with the same parts (header, facts, occupations table, history table, footer).
Hugo is optional: without the ``hugo`` command the figure is null."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from mulu.model import Organisation, Registry

from .measure import Run, run_child

CONFIG = """\
baseURL = "/"
languageCode = "zh-CN"
title = "上海市社会培训评价组织目录"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]
uglyURLs = false
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title>
<link rel="stylesheet" href="/theme/css/mulu.css">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header"><div class="wrap">
<a class="site-name" href="/">{{ site.Title }}</a>
<nav aria-label="主导航"><ul>
<li><a href="/orgs/">机构名录</a></li><li><a href="/occupations/">评价职业</a></li>
<li><a href="/notice/">公示</a></li><li><a href="/verify/">证书核验</a></li><li><a href="/data/">数据下载</a></li>
</ul></nav></div></header>
<main id="main" class="wrap" tabindex="-1">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><div class="wrap"><p>上海市人力资源和社会保障局 · 上海市职业技能鉴定中心</p></div></footer>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
{{ $p := .Params }}
<h1>{{ .Title }}</h1>
<p class="org-status">当前状态：<span class="status">{{ $p.status }}</span></p>
<dl class="facts">
<dt>备案编号</dt><dd>{{ with $p.filing_no }}{{ . }}{{ else }}（公示中，尚未备案）{{ end }}</dd>
<dt>备案有效期</dt><dd>{{ $p.valid_from }} 至 {{ $p.valid_until }}</dd>
<dt>备案类型</dt><dd>{{ $p.scope }}</dd>
<dt>机构类型</dt><dd>{{ $p.org_type }}</dd>
<dt>统一社会信用代码</dt><dd>{{ $p.credit_code }}</dd>
<dt>所在区</dt><dd>{{ $p.district }}</dd>
<dt>地址</dt><dd>{{ $p.address }}</dd>
<dt>联系电话</dt><dd>{{ $p.phone }}</dd>
<dt>网址</dt><dd>{{ with $p.website }}<a href="{{ . }}" rel="nofollow noopener">{{ . }}</a>{{ else }}（未提供）{{ end }}</dd>
</dl>
<h2 id="occupations">可评价的职业(工种)及等级</h2>
<table class="grants"><caption>{{ .Title }}备案的评价范围，共 {{ len $p.grants }} 项</caption>
<thead><tr><th scope="col">职业代码</th><th scope="col">职业名称</th><th scope="col">工种</th><th scope="col">等级</th></tr></thead>
<tbody>
{{ range $p.grants }}<tr><td><a href="/occupation/{{ .code }}/">{{ .code }}</a></td><td>{{ .name }}</td><td>{{ with .work_type }}{{ . }}{{ else }}—{{ end }}</td><td>{{ delimit .levels "、" }}</td></tr>
{{ end }}</tbody></table>
<h2 id="history">变更记录</h2>
<table class="history"><thead><tr><th scope="col">日期</th><th scope="col">事项</th><th scope="col">文号</th><th scope="col">说明</th></tr></thead>
<tbody>
{{ range $p.history }}<tr><td>{{ .date }}</td><td>{{ .event }}</td><td>{{ .document }}</td><td>{{ .note }}</td></tr>
{{ end }}</tbody></table>
{{ end }}
"""


def front_matter(org: Organisation, status: str, level_label) -> dict:
    text = lambda value: "" if value is None else str(value)
    return {
        "title": org.name, "url": f"/org/{org.credit_code}/", "status": status,
        "filing_no": org.filing_no, "valid_from": text(org.valid_from), "valid_until": text(org.valid_until),
        "scope": org.scope, "org_type": org.org_type, "credit_code": org.credit_code, "district": org.district,
        "address": org.address, "phone": org.phone, "website": org.website,
        "grants": [{"code": g.code, "name": g.name, "work_type": g.work_type or "",
                    "levels": [level_label(n) for n in g.levels]} for g in org.grants],
        "history": [{"date": text(e.date), "event": e.event, "document": e.document, "note": e.note} for e in org.events],
    }


def write_project(registry: Registry, today: dt.date, warning_days: int, folder: Path) -> None:
    """A Hugo project with one content file per organisation (JSON front matter)."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "content" / "org").mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "layouts" / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (folder / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    levels = registry.reference.levels
    for org in registry.organisations.values():
        matter = front_matter(org, org.public_status(today, warning_days), lambda n: levels[n].label)
        (folder / "content" / "org" / f"{org.credit_code}.md").write_text(json.dumps(matter, ensure_ascii=False) + "\n", encoding="utf-8")


def build(hugo: str, project: Path, output: Path) -> Run:
    shutil.rmtree(output, ignore_errors=True)
    return run_child([hugo, "--quiet", "--source", str(project), "--destination", str(output)])
