"""Tasks for staff and developers: ``invoke --list`` shows them all.

Each staff task runs a module of ``scripts/``: its options are the script's own (read from its
parser), and the exit code of the script is the exit code of the task.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import os
import shlex
import sys
from dataclasses import dataclass

from invoke import Exit, Task, task


# --- Staff commands: each a script of scripts/, its options read from the script's own parser ---

@dataclass
class Option:
    """One argument of a script's parser, as an invoke task takes it."""

    name: str  # the task's parameter: the long option without dashes, or the positional's name
    flag: str | None  # how the script is told it; None for a positional argument
    kind: str  # "value", "switch" (store_true) or "list" (repeatable)
    default: object
    help: str

    @classmethod
    def of(cls, action: argparse.Action) -> Option:
        if not action.option_strings:
            return cls(action.dest, None, "value", inspect.Parameter.empty, action.help or "")
        flag = next(s for s in action.option_strings if s.startswith("--"))
        kind = ("switch" if isinstance(action, argparse._StoreTrueAction)
                else "list" if isinstance(action, argparse._AppendAction) else "value")
        default = False if kind == "switch" else action.default if isinstance(action.default, (int, str)) else None
        return cls(flag[2:].replace("-", "_"), flag, kind, default, action.help or "")

    def argv(self, value) -> list[str]:
        if self.flag is None:
            return [str(value)]
        if self.kind == "switch":
            return [self.flag] if value else []
        if self.kind == "list":
            return [part for item in value or () for part in (self.flag, str(item))]
        return [] if value is None else [self.flag, str(value)]


def script_task(name: str) -> Task:
    """An invoke task that runs ``scripts.<name>``: its options, help and defaults are those of
    the script's parser (``arguments()``), and its exit code is the task's."""
    module = importlib.import_module(f"scripts.{name}")
    parser = module.arguments()
    options = [Option.of(a) for a in parser._actions if not isinstance(a, argparse._HelpAction)]

    def body(c, **values):
        code = module.main([part for option in options for part in option.argv(values[option.name])])
        if code:
            raise Exit(code=code)

    parameters = [inspect.Parameter(o.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=o.default) for o in options]
    parameters.sort(key=lambda p: p.default is not inspect.Parameter.empty)  # positionals first
    body.__signature__ = inspect.Signature([inspect.Parameter("c", inspect.Parameter.POSITIONAL_OR_KEYWORD), *parameters])
    body.__doc__ = parser.description
    return Task(body, name=name.replace("_", "-"), help={o.name: o.help for o in options},
                iterable=[o.name for o in options if o.kind == "list"])


validate = script_task("validate")
normalize = script_task("normalize")
sample = script_task("sample")
verify = script_task("verify")
intake = script_task("intake")
approve = script_task("approve")
amend = script_task("amend")
renew = script_task("renew")
remove = script_task("remove")
correct = script_task("correct")
receipt = script_task("receipt")
review = script_task("review")
report = script_task("report")
application_template = script_task("application_template")
deploy = script_task("deploy")
draw = script_task("draw")
inspect_task = script_task("inspect")  # not "inspect": the module uses the standard library's


# --- The site ------------------------------------------------------------------------------

def pelican_command(conf: str, output: str, registry=None, history=None, today=None, no_cache=False) -> str:
    """The Pelican command line for a build, with mulu's file and date overrides."""
    extra = {
        "MULU_REGISTRY": registry and os.path.abspath(registry),
        "MULU_HISTORY": history and os.path.abspath(history),
        "MULU_TODAY": today,
    }
    argv = [sys.executable, "-m", "pelican", "content", "-s", conf, "-o", output]
    if no_cache:
        argv.append("--ignore-cache")
    overrides = [f"{key}={json.dumps(value)}" for key, value in extra.items() if value]
    if overrides:  # one -e with every pair: a second -e would replace the first
        argv += ["-e", *overrides]
    return shlex.join(argv)


BUILD_HELP = {
    "registry": "registry.csv 的路径",
    "history": "history.csv 的路径",
    "output": "输出目录（默认 output）",
    "today": "按哪一天计算状态，YYYY-MM-DD（默认今天）",
    "no_cache": "不读也不写构建缓存，全部重新生成（输出目录旁的 <输出目录>.build-cache）",
}


@task(help=BUILD_HELP)
def build(c, output="output", registry=None, history=None, today=None, no_cache=False):
    """用 pelicanconf.py 构建网站。"""
    c.run(pelican_command("pelicanconf.py", output, registry, history, today, no_cache))
    search_sizes(c, output)


@task(help={**BUILD_HELP, "conf": "设置文件（默认 publishconf.py）"})
def publish(c, output="output", registry=None, history=None, today=None, no_cache=False, conf="publishconf.py"):
    """构建要发布的网站；真实数据缺少政府网站必填的设置时拒绝构建（退出码 2）。"""
    code = importlib.import_module("scripts.publish_check").main(["--conf", conf])
    if code:
        raise Exit(code=code)
    c.run(pelican_command(conf, output, registry, history, today, no_cache))


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
