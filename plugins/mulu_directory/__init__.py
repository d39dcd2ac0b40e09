"""Pelican plugin: compiles registry.csv and history.csv into the directory's pages."""

import datetime as dt
from pathlib import Path

from pelican import signals

from mulu.settings import check_settings

from . import precompress
from .generator import DirectoryGenerator
from .templating import add_common_filters


def add_mulu_settings(pelican_object):
    """Checked MULU_* settings (defaults filled in, the day resolved) for every generator's
    templates, so Pelican's content pages show the same footer and day as the directory's."""
    settings = pelican_object.settings
    settings.update(check_settings(settings, Path(settings["PATH"]).parent))
    settings["MULU_TODAY"] = settings["MULU_TODAY"] or dt.date.today()
    precompress.switch(settings["MULU_PRECOMPRESS"])


def get_generators(pelican_object):
    return DirectoryGenerator


def add_filters(generator):
    add_common_filters(generator.env)


def register():
    signals.initialized.connect(add_mulu_settings)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_filters)
    signals.content_written.connect(precompress.written)
