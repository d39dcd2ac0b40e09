"""The lower-bound reference: the same organisation pages from the same templates and data,
rendered by a plain ``jinja2.Environment`` with no Pelican. Run as a child process by the
benchmark so that its time and memory are measured the same way as the build's::

    python -m benchmarks.plain --registry R --history H --today D --output DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import runpy
import sys
import types
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from mulu.settings import check_settings
from mulu.validate import load_registry

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "mulu_directory"


def plugin_module(name: str):
    """A module of the site plugin, imported without the plugin's ``__init__`` (which imports
    Pelican, the very thing this reference leaves out)."""
    if "mulu_directory" not in sys.modules:
        package = types.ModuleType("mulu_directory")
        package.__path__ = [str(PLUGIN)]
        sys.modules["mulu_directory"] = package
    return importlib.import_module(f"mulu_directory.{name}")


def pelican_settings(conf: Path) -> dict:
    """The upper-case names of the settings file, as Pelican puts them in its context."""
    return {key: value for key, value in runpy.run_path(str(conf)).items() if key.isupper()}


def render_org_pages(registry_path: Path, history_path: Path, today: dt.date, output: Path) -> int:
    pages, site_module, templating, verify, output_module, collector = (
        plugin_module(n) for n in ("pages", "site", "templating", "verify", "speedups.output", "speedups.collector"))
    conf = pelican_settings(ROOT / "pelicanconf.py")
    settings = {**conf, **check_settings(conf), "ROOT": ROOT,
                "MULU_REGISTRY": str(registry_path), "MULU_HISTORY": str(history_path)}
    env = Environment(loader=FileSystemLoader(str(ROOT / conf["THEME"] / "templates")), **conf["JINJA_ENVIRONMENT"])
    collector.pause()  # as the build does
    registry = load_registry(settings, today)
    site = site_module.Site(registry, today, settings, env, output_module.Output(output))
    templating.configure(env, registry, site.settings)
    verify.configure(env, registry)
    pages.write_orgs(site, site.directory.entries)
    return len(site.written)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--registry", type=Path, required=True)
    p.add_argument("--history", type=Path, required=True)
    p.add_argument("--today", type=dt.date.fromisoformat, required=True)
    p.add_argument("--output", type=Path, required=True)
    args = p.parse_args(argv)
    written = render_org_pages(args.registry, args.history, args.today, args.output)
    print(f"{written} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
