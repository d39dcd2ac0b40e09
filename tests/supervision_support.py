"""Small generated registries with their supervision files (pool, draws, inspections), as
``invoke sample`` writes them, for the supervision tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from mulu.reference import Reference
from mulu.settings import load_settings
from scripts.sample import write_sample

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = load_settings(ROOT / "pelicanconf.py")
REFERENCE = Reference(ROOT / "reference")
FILES = ("registry.csv", "history.csv", "inspectors.csv", "draws.csv", "inspections.csv")


def write_supervised(folder: Path, orgs: int = 80, seed: int = 3) -> Path:
    """A generated registry, history and supervision files in ``folder``; returns the folder."""
    write_sample(folder, REFERENCE, SETTINGS, orgs, seed)
    return folder


def copy_files(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(source / name, target / name)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES if (folder / name).exists()}
