"""Small generated registries with their supervision files (pool, draws, inspections), as
``invoke sample`` writes them, for the supervision tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from mulu.csvio import commit_files
from mulu.reference import Reference
from mulu.sample import ANCHOR, generate
from mulu.settings import load_settings
from mulu.store import write_pair
from mulu.supervision.sample import generate_supervision
from mulu.supervision.store import render_supervision
from mulu.validate import load_registry

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = load_settings(ROOT / "pelicanconf.py")
REFERENCE = Reference(ROOT / "reference")
FILES = ("registry.csv", "history.csv", "inspectors.csv", "draws.csv", "inspections.csv")


def write_supervised(folder: Path, orgs: int = 80, seed: int = 3) -> Path:
    """A generated registry, history and supervision files in ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, events = generate(REFERENCE, SETTINGS, orgs, seed, ANCHOR)
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    registry = load_registry(SETTINGS, ANCHOR, folder / "registry.csv", folder / "history.csv")
    commit_files({folder / name: data for name, data in render_supervision(generate_supervision(registry, seed, ANCHOR)).items()})
    return folder


def copy_files(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(source / name, target / name)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES if (folder / name).exists()}
