"""Tasks for staff and developers: ``invoke --list`` shows them all.

Each staff task is a thin wrapper over a module in ``scripts/``; the exit code of the script is
the exit code of the task.
"""

from __future__ import annotations

import importlib
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
    """构建并提供网站；registry.csv、history.csv、content/、theme/ 改动时自动重建。"""
    from livereload import Server

    rebuild = pelican_command("pelicanconf.py", output)
    c.run(rebuild)
    server = Server()
    for pattern in ("registry.csv", "history.csv", "reference/*.csv", "content/**/*", "theme/**/*", "pelicanconf.py"):
        server.watch(pattern, lambda: c.run(rebuild, warn=True))
    server.serve(port=port, root=output, host="127.0.0.1")
