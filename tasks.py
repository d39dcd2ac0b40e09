"""Tasks for staff and developers: ``invoke --list`` shows them all.

Each staff task is a thin wrapper over a module in ``scripts/``; the exit code of the script is
the exit code of the task.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shlex
import sys

from invoke import Exit, task


def run_script(name: str, *positional, **options) -> None:
    """Call ``scripts.<name>.main`` with options spelled as on its command line."""
    argv = [str(p) for p in positional]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [flag, str(item)]
        elif value not in (None, False):
            argv += [flag, str(value)]
    code = importlib.import_module(f"scripts.{name}").main(argv)
    if code:
        raise Exit(code=code)


FILES_HELP = {"registry": "registry.csv 的路径", "history": "history.csv 的路径"}
DATE_HELP = {"date": "按哪一天办理或计算状态，YYYY-MM-DD（默认今天）"}


@task(help={**FILES_HELP, **DATE_HELP, "today": "同 --date"})
def validate(c, registry=None, history=None, date=None, today=None):
    """校验 registry.csv 与 history.csv，列出全部问题。"""
    run_script("validate", registry=registry, history=history, date=date or today)


@task(help=FILES_HELP)
def normalize(c, registry=None, history=None):
    """规范化全角标点、多余空格与行顺序，不改动其他内容。"""
    run_script("normalize", registry=registry, history=history)


@task(help={"orgs": "机构数量", "seed": "随机种子", "out": "输出目录"})
def sample(c, orgs=300, seed=1, out="."):
    """生成虚构的示例目录（registry.csv 与 history.csv）。"""
    run_script("sample", orgs=orgs, seed=seed, out=out)


# --- The site ------------------------------------------------------------------------------

def pelican_command(conf: str, output: str, registry=None, history=None, today=None) -> str:
    """The Pelican command line for a build, with mulu's file and date overrides."""
    extra = {
        "MULU_REGISTRY": registry and os.path.abspath(registry),
        "MULU_HISTORY": history and os.path.abspath(history),
        "MULU_TODAY": today,
    }
    argv = [sys.executable, "-m", "pelican", "content", "-s", conf, "-o", output]
    overrides = [f"{key}={json.dumps(value)}" for key, value in extra.items() if value]
    if overrides:  # one -e with every pair: a second -e would replace the first
        argv += ["-e", *overrides]
    return shlex.join(argv)


BUILD_HELP = {
    **FILES_HELP,
    "output": "输出目录（默认 output）",
    "today": "按哪一天计算状态，YYYY-MM-DD（默认今天）",
}


@task(help=BUILD_HELP)
def build(c, output="output", registry=None, history=None, today=None):
    """用 pelicanconf.py 构建网站。"""
    c.run(pelican_command("pelicanconf.py", output, registry, history, today))
    search_sizes(c, output)


@task(help=BUILD_HELP)
def publish(c, output="output", registry=None, history=None, today=None):
    """用 publishconf.py 构建要发布的网站。"""
    c.run(pelican_command("publishconf.py", output, registry, history, today))


@task(help={"port": "端口（默认 8000）", "output": "网站目录（默认 output）"})
def serve(c, port=8000, output="output"):
    """在 http://localhost:PORT/ 提供已构建的网站。"""
    c.run(shlex.join([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", output]))


@task(help={"port": "端口（默认 8000）", "output": "网站目录（默认 output）"})
def livereload(c, port=8000, output="output"):
    """构建并提供网站；registry.csv、history.csv、监督检查文件、content/、theme/ 改动时自动重建。"""
    from livereload import Server

    rebuild = pelican_command("pelicanconf.py", output)
    c.run(rebuild)
    server = Server()
    for pattern in ("registry.csv", "history.csv", "inspectors.csv", "draws.csv", "inspections.csv", "reference/*.csv",
                    "content/**/*", "theme/**/*", "pelicanconf.py"):
        server.watch(pattern, lambda: c.run(rebuild, warn=True))
    server.serve(port=port, root=output, host="127.0.0.1")


# --- point-in-time verification -----------------------------------------------------------------
@task(help={**FILES_HELP, "org": "统一社会信用代码或备案编号", "occupation": "职业编码，如 6-31-01-03",
            "level": "技能等级 1–5", "date": "要核查的日期 YYYY-MM-DD", "json": "以 JSON 输出"})
def verify(c, org, occupation, level, date, registry=None, history=None, json=False):
    """核查机构在某日是否具备某职业、某等级的评价资格，并列出依据。"""
    run_script("verify", registry=registry, history=history, org=org, occupation=occupation,
               level=level, date=date, json=json)


# --- Search ---------------------------------------------------------------------------------

@task(help={"output": "网站目录（默认 output）"})
def search_sizes(c, output="output"):
    """列出搜索所需文件的大小（原始与 gzip 压缩后）。"""
    from mulu.search.shards import payload_sizes

    rows = payload_sizes(output)
    for group, files, raw, zipped, largest in rows:
        print(f"{group:10} {files:5} 个文件 {raw / 1024:8.1f} KB  gzip {zipped / 1024:7.1f} KB（最大 {largest / 1024:.1f} KB）")
    print(f"{'搜索合计':8} {sum(r[1] for r in rows):5} 个文件 {sum(r[2] for r in rows) / 1024:8.1f} KB  "
          f"gzip {sum(r[3] for r in rows) / 1024:7.1f} KB")


# --- Staff workflow: 受理、备案、变更、延续、移出、更正 -----------------------------------------------

STEP_HELP = {**FILES_HELP, **DATE_HELP, "credit_code": "机构的统一社会信用代码（或备案编号）"}
RECEIPTS_HELP = {"receipts": "备案回执的文件夹（默认 receipts）"}


@task(iterable=["occupations"], help={
    **FILES_HELP, **DATE_HELP, "application": "申请文件（.yaml 或按模板填写的 .xlsx）",
    "occupations": "遴选确定的评价职业「代码 名称:等级」，只能缩小申请范围；可重复",
})
def intake(c, application, occupations=None, registry=None, history=None, date=None):
    """受理申请：检查材料与申报条件，符合的登记为公示中。"""
    run_script("intake", application, occupations=occupations, registry=registry, history=history, date=date)


@task(help={**STEP_HELP, **RECEIPTS_HELP, "document": "备案文号", "force": "公示期未满也办理",
            "reason": "提前办理的理由（与 --force 同用）", "national_code": "属地备案：全国备案机构代码（4 位）"})
def approve(c, credit_code, document=None, force=False, reason=None, national_code=None,
            receipts=None, registry=None, history=None, date=None):
    """备案：公示期满后赋予备案编号与有效期，出具备案回执。"""
    run_script("approve", credit_code, document=document, force=force, reason=reason, national_code=national_code,
               receipts=receipts, registry=registry, history=history, date=date)


@task(iterable=["add", "remove"], help={**STEP_HELP, **RECEIPTS_HELP, "add": "新增的评价职业「代码 名称:等级」；可重复",
                                        "remove": "减少的评价职业代码；可重复", "document": "文号（可空）"})
def amend(c, credit_code, add=None, remove=None, document=None, receipts=None, registry=None, history=None, date=None):
    """变更：在有效期内新增或减少评价项目。"""
    run_script("amend", credit_code, add=add, remove=remove, document=document, receipts=receipts,
               registry=registry, history=history, date=date)


@task(help={**STEP_HELP, **RECEIPTS_HELP, "until": "新的备案有效期止 YYYY-MM-DD", "document": "文号（可空）"})
def renew(c, credit_code, until, document=None, receipts=None, registry=None, history=None, date=None):
    """延续：延长备案有效期。"""
    run_script("renew", credit_code, until=until, document=document, receipts=receipts,
               registry=registry, history=history, date=date)


@task(help={**STEP_HELP, "reason": "移出原因", "document": "文号", "inspection": "所依据的不合格检查的文书编号（可空）"})
def remove(c, credit_code, reason=None, document=None, inspection=None, registry=None, history=None, date=None):
    """移出目录：状态改为已移出，保留该行与原因、文号。"""
    run_script("remove", credit_code, reason=reason, document=document, inspection=inspection, registry=registry,
               history=history, date=date)


# --- Supervision: 双随机抽取、检查结果 ----------------------------------------------------------------

@task(help={**FILES_HELP, "date": "抽取日 YYYY-MM-DD（按这一天已备案的机构抽取，默认今天）", "round": "批次，如 2026-双随机-2",
            "ratio": "抽取比例，如 5%", "min": "至少抽取的机构数", "beacon": "抽取前公布的随机数，来源之间用 / 分隔",
            "source": "随机数由谁、何时、在何处公布", "focus_ratio": "重点对象的抽取比例（可空）"})
def draw(c, round, ratio, beacon, source=None, min=0, focus_ratio=None, registry=None, history=None, date=None):
    """双随机抽取：按公开随机数抽取检查对象与检查人员，任何人可复核（RFC 3797）。"""
    run_script("draw", round=round, ratio=ratio, min=min, beacon=beacon, source=source, focus_ratio=focus_ratio,
               registry=registry, history=history, date=date)


@task(name="inspect", iterable=["items", "inspectors"], help={
    **STEP_HELP, "date": "检查日期 YYYY-MM-DD（默认今天）", "round": "批次，如 2026-双随机-2", "items": "检查事项编码；可重复或用逗号分隔",
    "result": "未发现问题、责令整改、整改完成或不合格", "document": "检查结果文书编号", "deadline": "整改期限（责令整改时）",
    "inspectors": "检查人员编号（双随机抽查默认为抽中的两人）", "kind": "检查类别（默认按批次）", "note": "发现的问题"})
def inspect_(c, credit_code, round, result, items=None, document=None, deadline=None, inspectors=None, kind=None,
             note=None, registry=None, history=None, date=None):
    """记录检查结果：写入 inspections.csv。"""
    run_script("inspect_result", credit_code, round=round, items=items, result=result, document=document,
               deadline=deadline, inspectors=inspectors, kind=kind, note=note, registry=registry, history=history,
               date=date)


@task(help={**STEP_HELP, "field": "字段名，如 address、phone", "value": "改正后的值", "reason": "更正原因"})
def correct(c, credit_code, field, value, reason=None, registry=None, history=None, date=None):
    """更正：改正机构信息中的笔误。"""
    run_script("correct", credit_code, field=field, value=value, reason=reason, registry=registry,
               history=history, date=date)


@task(help={**STEP_HELP, **RECEIPTS_HELP})
def receipt(c, credit_code, receipts=None, registry=None, history=None, date=None):
    """重新生成一个已备案机构的备案回执。"""
    run_script("receipt", credit_code, receipts=receipts, registry=registry, history=history, date=date)


@task(help={**FILES_HELP, **DATE_HELP, "base": "比较的 git 版本（默认 origin/main，没有则 HEAD）",
            "output": "把摘要写入此文件（Markdown）"})
def review(c, base=None, output=None, registry=None, history=None, date=None):
    """变更摘要：与 git 版本相比目录改了什么，供审阅合并请求（Markdown）。"""
    run_script("review", base=base, output=output, registry=registry, history=history, date=date)


@task(help={**FILES_HELP, **DATE_HELP, "days": "列出多少天内到期（默认 90）", "output": "写入此文件（Markdown）"})
def report(c, days=None, output=None, registry=None, history=None, date=None):
    """工作概况：机构数、即将到期的备案、公示期满待备案的机构。"""
    run_script("report", days=days, output=output, registry=registry, history=history, date=date)


@task(help={"out": "输出文件（默认 docs/application-template.xlsx）"})
def application_template(c, out="docs/application-template.xlsx"):
    """生成 Excel 申请表模板（字段 | 填写）。"""
    run_script("application_template", out=out)


# --- benchmarks ------------------------------------------------------------------------------
PAGEFIND_PIN = "pagefind[extended]==1.5.2"  # the same pin as the bench extra in pyproject.toml


@task(help={"orgs": "机构数量，逗号分隔（默认 300,5000,25000）", "seed": "随机种子（默认 1）",
            "repeat": "每项重复次数，报告中位数（默认 3）", "json": "把结果写成 JSON 文件",
            "no_browser": "不在 Chromium 中测量搜索"})
def bench(c, orgs="300,5000,25000", seed=1, repeat=3, json=None, no_browser=False):
    """测量构建与搜索，并与纯 Jinja2、Hugo、Pagefind 比较（见 benchmarks/README.md）。"""
    if importlib.util.find_spec("pagefind_bin_extended") is None:  # the bench extra, installed on first use
        c.run(shlex.join([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", PAGEFIND_PIN]))
    from benchmarks.bench import main

    code = main(["--orgs", orgs, "--seed", str(seed), "--repeat", str(repeat),
                 *(["--json", json] if json else []), *(["--no-browser"] if no_browser else [])])
    if code:
        raise Exit(code=code)
