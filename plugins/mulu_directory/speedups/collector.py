"""Pausing Python's cyclic garbage collector while the build makes or reads its model.

The model is hundreds of thousands of acyclic objects made at once: the collector, woken by every
few hundred allocations, would walk them again and again for nothing.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_collector():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_model() -> None:
    """Move what exists now out of the collector's sight: the model lasts the whole build."""
    gc.freeze()


def unfreeze() -> None:
    """What an earlier build in this process froze (Pelican's autoreload) can be collected now."""
    gc.unfreeze()
