"""invoke bench: the build and the search against their lower bound and their peers, for
registries of N organisations generated with a fixed seed, all measured in one run.

    python -m benchmarks.bench --orgs 300,5000,25000 --seed 1 --repeat 3 --json bench.json

Every figure is the median of ``--repeat`` runs; peak memory is the largest of them. See
benchmarks/README.md for what each figure means and how it is taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from mulu.reference import Reference
from mulu.sample import ANCHOR
from mulu.settings import load_settings, resolve
from mulu.validate import load_registry, validate_files

from . import deploy, hugo, pagefind, plain, search
from .measure import (OtherWork, Run, compare, kinds, median_run, percentile, rewritten_files, run_child, snapshot,
                      timed_then_sampled, tree_stats)
from .workload import HISTORY, REGISTRY, change_one_organisation, sample_folder

ROOT = plain.ROOT
QUERIES = Path(__file__).with_name("queries.json")
KB = 1024
OTHER_WORK_WARNING_S = 5.0  # CPU seconds other processes may use while a size is timed before the run says so


def machine() -> dict:
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    cpus = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    return {
        "cores": os.cpu_count(), "memory_gb": round(int(memory) / 1024 / 1024, 1), "cpu": cpus[0] if cpus else platform.processor(),
        "python": platform.python_version(), "system": platform.platform(),
        "measured": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def default_work() -> Path:
    """A RAM disk when there is one, so that the disk's speed is not what is measured."""
    shm = Path("/dev/shm")
    return shm / "mulu-bench" if shm.is_dir() else Path(tempfile.gettempdir()) / "mulu-bench"


def load_queries() -> list[str]:
    return [item["q"] for item in json.loads(QUERIES.read_text(encoding="utf-8"))]


def build_argv(output: Path, data: Path, today: dt.date, *overrides: str) -> list[str]:
    """The command line ``invoke build`` runs, with more settings (``KEY=JSON``) if given."""
    sys.path.insert(0, str(ROOT))
    from tasks import pelican_command

    argv = shlex.split(pelican_command("pelicanconf.py", str(output), data / REGISTRY, data / HISTORY, today.isoformat()))
    return argv + list(overrides)  # its settings end with one -e and its pairs


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fresh(folder: Path) -> Path:
    """An empty folder; for a site, without the build cache beside it either."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(plain.plugin_module("speedups.store").folder_beside(folder), ignore_errors=True)
    return folder


def kb(value: float | None) -> float | None:
    return None if value is None else round(value / KB, 1)


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


class Bench:
    def __init__(self, args: argparse.Namespace, stack: ExitStack):
        self.args = args
        self.stack = stack
        self.settings = load_settings(ROOT / "pelicanconf.py")
        self.reference = Reference(resolve(self.settings, "MULU_REFERENCE_DIR"))
        self.queries = load_queries()[: args.queries]
        self.hugo = shutil.which(args.hugo) if args.hugo else None
        self.pagefind = shutil.which(args.pagefind) if args.pagefind else pagefind.executable()
        self._playwright = None

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def playwright(self):
        if self._playwright is None:
            from playwright.sync_api import sync_playwright

            self._playwright = self.stack.enter_context(sync_playwright())
        return self._playwright

    @contextmanager
    def browse(self, root: Path):
        """A browser serving ``root``, closed when done: an idle Chromium still uses the CPU
        the next measurements time."""
        from .browser import FolderSite

        site = FolderSite(root, self.playwright())
        try:
            yield site
        finally:
            site.close()

    def measure(self, orgs: int) -> dict:
        args, today = self.args, ANCHOR
        work = args.work / f"n{orgs}"
        data = sample_folder(args.work, orgs, args.seed, self.reference, self.settings)
        other = OtherWork()  # around every timed run, not the browser's
        with other:
            self.say(f"[{orgs}] validate")
            validate_s = median_time(lambda: validate_files(data / REGISTRY, data / HISTORY, self.reference, self.settings, today), args.repeat)
            registry = load_registry(self.settings, today, data / REGISTRY, data / HISTORY)

            self.say(f"[{orgs}] build")
            output = work / "site"
            build = timed_then_sampled(lambda sample: run_child(build_argv(fresh(output), data, today), cwd=ROOT, sample=sample),
                                       args.repeat)
            files, size = tree_stats(output)
            self.say(f"[{orgs}] build without precompression")
            uncompressed = median_run([run_child(build_argv(fresh(work / "uncompressed"), data, today, "MULU_PRECOMPRESS=false"),
                                                 cwd=ROOT, sample=False) for _ in range(args.repeat)])

            self.say(f"[{orgs}] plain Jinja2")
            plain_argv = [sys.executable, "-m", "benchmarks.plain", "--registry", str(data / REGISTRY),
                          "--history", str(data / HISTORY), "--today", today.isoformat()]
            plain_run = timed_then_sampled(lambda sample: run_child(plain_argv + ["--output", str(fresh(work / "plain"))],
                                                                    cwd=ROOT, sample=sample), args.repeat)
            hugo_run = self.measure_hugo(registry, today, work, orgs)
            pagefind_run = self.measure_pagefind(output, work, orgs)
        pagefind_fetches = self.pagefind_fetches(work) if pagefind_run and args.browser else None
        search_figures = self.measure_search(registry, output, orgs)
        with other:
            self.say(f"[{orgs}] incremental")
            incremental = self.measure_incremental(output, data, work / "changed", today)
        self.say(f"[{orgs}] deploy")
        moved = deploy.moved(output, lambda folder: run_child(build_argv(output, folder, today), cwd=ROOT, sample=False),
                             data, work / "changed", work / "deploy")
        if other.seconds and other.seconds > OTHER_WORK_WARNING_S:
            self.say(f"[{orgs}] 注意：测量期间其他进程占用了 {other.seconds:.1f} 秒 CPU，计时可能偏慢")

        peers = (hugo_run.seconds + pagefind_run.seconds) if hugo_run and pagefind_run else None
        return {
            "orgs": orgs,
            "validate_s": rounded(validate_s),
            "build_s": rounded(build.seconds),
            "precompress_s": rounded(build.seconds - uncompressed.seconds),
            "peak_rss_mb": rounded(build.peak_rss_mb, 0),
            "output_files": files,
            "output_mb": rounded(size / KB / KB, 1),
            "plain_jinja2_s": rounded(plain_run.seconds),
            "plain_jinja2_rss_mb": rounded(plain_run.peak_rss_mb, 0),
            "build_vs_plain": rounded(build.seconds / plain_run.seconds),
            "hugo_s": rounded(hugo_run and hugo_run.seconds),
            "hugo_rss_mb": rounded(hugo_run and hugo_run.peak_rss_mb, 0),
            "pagefind_s": rounded(pagefind_run and pagefind_run.seconds),
            "pagefind_rss_mb": rounded(pagefind_run and pagefind_run.peak_rss_mb, 0),
            "build_vs_hugo_plus_pagefind": rounded(peers and build.seconds / peers),
            "pagefind_first_query_kb_median": kb(pagefind_fetches and statistics.median(f.gzip_bytes for f in pagefind_fetches)),
            "pagefind_first_query_kb_max": kb(pagefind_fetches and max(f.gzip_bytes for f in pagefind_fetches)),
            **search_figures,
            **incremental,
            **moved,
            "other_cpu_s": rounded(other.seconds, 1),
        }

    def measure_hugo(self, registry, today: dt.date, work: Path, orgs: int) -> Run | None:
        if not self.hugo:
            return None
        self.say(f"[{orgs}] Hugo")
        project = work / "hugo"
        hugo.write_project(registry, today, self.settings["MULU_EXPIRY_WARNING_DAYS"], project)
        return median_run([hugo.build(self.hugo, project, work / "hugo-site") for _ in range(self.args.repeat)])

    def measure_pagefind(self, output: Path, work: Path, orgs: int) -> Run | None:
        if not self.pagefind:
            return None
        self.say(f"[{orgs}] Pagefind")
        return median_run([pagefind.index(self.pagefind, output, work / "pagefind") for _ in range(self.args.repeat)])

    def pagefind_fetches(self, work: Path) -> list:
        """What Pagefind's page fetches for each query, from the folder Pagefind indexed last."""
        with self.browse(work / "pagefind") as site:
            return [pagefind.fetch_query(site, q) for q in self.queries]

    def measure_search(self, registry, output: Path, orgs: int) -> dict:
        figures = dict.fromkeys(("search_index_s", "search_files", "first_query_kb_gzip_median", "first_query_kb_gzip_max",
                                 "browser_first_query_ms_median", "browser_timeouts", "query_p95_ms", "query_warm_p95_ms",
                                 "results_same_as_single_index", "results_differ", "queries"))
        figures["search_index_s"] = rounded(search.index_build_seconds(registry, self.settings, self.args.repeat))
        if not search.available(output):
            return figures
        fetches = []
        if self.args.browser:
            self.say(f"[{orgs}] search in Chromium")
            with self.browse(output) as site:
                fetches = [search.fetch_query(site, q) for q in self.queries]
            answered = [f.ms for f in fetches if f.ms is not None]
            figures.update(
                first_query_kb_gzip_median=kb(statistics.median(f.gzip_bytes for f in fetches)),
                first_query_kb_gzip_max=kb(max(f.gzip_bytes for f in fetches)),
                browser_first_query_ms_median=rounded(statistics.median(answered), 0) if answered else None,
                browser_timeouts=len(fetches) - len(answered),
                queries=[{"q": q, "kb_gzip": kb(f.gzip_bytes), "files": len(f.files)} for q, f in zip(self.queries, fetches)],
            )
        else:  # without a browser: the files the search module says the page fetches
            sizes = [search.listed_bytes(output, q) for q in self.queries]
            figures.update(first_query_kb_gzip_median=kb(statistics.median(sizes)), first_query_kb_gzip_max=kb(max(sizes)))
        requested = {path for f in fetches for path in f.files}
        figures["search_files"] = search.file_sizes(output, requested)
        if self.args.node and shutil.which("node"):
            self.say(f"[{orgs}] search in node")
            figures.update(self.node_figures(registry, output))
        return figures

    def node_figures(self, registry, output: Path) -> dict:
        timings = search.node_latency(output, self.queries)
        expected = search.single_index_refs(registry, self.settings, output, self.queries)
        differ = [q for q, got, want in zip(self.queries, timings["refs"], expected) if got != want]
        return {
            "query_p95_ms": rounded(percentile(timings["cold_ms"], 0.95), 1),
            "query_warm_p95_ms": rounded(percentile(timings["warm_ms"], 0.95), 1),
            "results_same_as_single_index": len(self.queries) - len(differ),
            "results_differ": differ,
        }

    def measure_incremental(self, output: Path, data: Path, changed: Path, today: dt.date) -> dict:
        """Rebuild into the built site with nothing changed; then after one organisation
        changed, then back, and so on."""
        rebuild = median_run([run_child(build_argv(output, data, today), cwd=ROOT, sample=False) for _ in range(self.args.repeat)])
        change_one_organisation(data, fresh(changed), today)
        runs, rewritten, content_changed = [], [], []
        for turn in range(self.args.repeat):
            before = snapshot(output)
            runs.append(run_child(build_argv(output, changed if turn % 2 == 0 else data, today), cwd=ROOT, sample=False))
            counts = compare(before, snapshot(output))
            rewritten.append(counts[0])
            content_changed.append(counts[1])
        if self.args.repeat % 2:  # the last turn built the changed pair: back to the original
            run_child(build_argv(output, data, today), cwd=ROOT, sample=False)
        return {
            "rebuild_s": rounded(rebuild.seconds),
            "incremental_s": rounded(statistics.median(r.seconds for r in runs)),
            "incremental_files_rewritten": max(rewritten),
            "incremental_files_changed": max(content_changed),
            **self.measure_next_days(output, data, today),
        }

    def measure_next_days(self, output: Path, data: Path, today: dt.date) -> dict:
        """The nightly rebuild: the same pair on each following day, each into the last day's site."""
        runs, rewritten = [], []
        for turn in range(1, self.args.repeat + 1):
            before = snapshot(output)
            runs.append(run_child(build_argv(output, data, today + dt.timedelta(days=turn)), cwd=ROOT, sample=False))
            rewritten.append(rewritten_files(before, snapshot(output)))
        most = max(rewritten, key=len)
        return {
            "next_day_s": rounded(statistics.median(r.seconds for r in runs)),
            "next_day_rewritten": len(most),
            "next_day_rewritten_kinds": kinds(most),
        }


COLUMNS = (
    ("orgs", "orgs"), ("validate_s", "validate s"), ("build_s", "build s"), ("peak_rss_mb", "RSS MB"),
    ("output_files", "files"), ("output_mb", "MB"), ("plain_jinja2_s", "jinja2 s"), ("build_vs_plain", "×jinja2"),
    ("hugo_s", "hugo s"), ("pagefind_s", "pagefind s"), ("build_vs_hugo_plus_pagefind", "×(hugo+pf)"),
    ("rebuild_s", "rebuild s"), ("incremental_s", "incr s"), ("incremental_files_rewritten", "incr rewritten"),
    ("incremental_files_changed", "incr changed"), ("next_day_s", "next day s"), ("next_day_rewritten", "next day rewritten"),
    ("precompress_s", "precompress s"), ("deploy_files", "deploy files"), ("deploy_bytes", "deploy bytes"),
    ("other_cpu_s", "others' CPU s"),
)
SEARCH_COLUMNS = (
    ("orgs", "orgs"), ("search_index_s", "index s"), ("search_kb_gzip", "files KB gz"),
    ("first_query_kb_gzip_median", "1st query KB med"), ("first_query_kb_gzip_max", "1st query KB max"),
    ("pagefind_first_query_kb_median", "pagefind KB med"), ("pagefind_first_query_kb_max", "pagefind KB max"),
    ("query_p95_ms", "cold p95 ms"), ("query_warm_p95_ms", "warm p95 ms"),
    ("browser_first_query_ms_median", "chromium 1st ms"), ("results_same_as_single_index", "same results"),
)


def cell(value) -> str:
    return "—" if value is None else str(value)


def table(rows: list[dict], columns) -> str:
    cells = [[title for _, title in columns]] + [[cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [" | ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def with_totals(row: dict) -> dict:
    files = row.get("search_files") or {}
    return {**row, "search_kb_gzip": kb(sum(f["gzip"] for f in files.values())) if files else None}


def report(results: list[dict], about: dict) -> str:
    head = (f"Machine: {about['cores']} cores, {about['memory_gb']} GB, {about['cpu']}; Python {about['python']}; "
            f"work folder {about['work']}; median of {about['repeat']}; measured {about['measured']}")
    rows = [with_totals(r) for r in results]
    return "\n\n".join([head, "Build", table(rows, COLUMNS), "Search", table(rows, SEARCH_COLUMNS)])


def org_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"机构数量应为以逗号分隔的正整数，如 300,5000,25000：{text}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"机构数量应为正整数：{text}")
    return counts


def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="测量构建与搜索的速度、内存和下载量，并与参照（纯 Jinja2、Hugo、Pagefind）比较")
    p.add_argument("--orgs", type=org_counts, default=[300, 5000, 25000], help="机构数量，逗号分隔（默认 300,5000,25000）")
    p.add_argument("--seed", type=int, default=1, help="示例数据的随机种子（默认 1）")
    p.add_argument("--repeat", type=int, default=3, help="每项重复次数，报告中位数（默认 3）")
    p.add_argument("--json", type=Path, help="把结果写成 JSON 文件")
    p.add_argument("--work", type=Path, default=default_work(), help="工作目录（默认 /dev/shm 下的内存盘）")
    p.add_argument("--hugo", default="hugo", help="hugo 命令（默认 hugo；找不到时该项为空）")
    p.add_argument("--pagefind", default=None, help="pagefind 命令（默认取 pagefind[extended] 包；找不到时该项为空）")
    p.add_argument("--queries", type=int, default=None, help="只用前 K 个查询（默认全部）")
    p.add_argument("--no-browser", dest="browser", action="store_false", help="不在 Chromium 中测量搜索的下载量与延迟")
    p.add_argument("--no-node", dest="node", action="store_false", help="不在 node 中测量查询延迟与结果")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat 至少为 1")
    return args


def main(argv=None) -> int:
    args = parse(argv)
    # Builds are timed as a build machine runs them: Python keeps the project's modules compiled
    # (``__pycache__``) from one build to the next. A shell that turns that off would have every
    # timed build compile the plugin's and the package's modules again (about 0.1 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    with ExitStack() as stack:
        bench = Bench(args, stack)
        for orgs in args.orgs:
            results.append(bench.measure(orgs))
            if args.json:  # after each size, so that a long run's figures survive a failure later on
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    about = {**machine(), "work": str(args.work), "repeat": args.repeat, "seed": args.seed}
    print(report(results, about))
    return 0


if __name__ == "__main__":
    sys.exit(main())
