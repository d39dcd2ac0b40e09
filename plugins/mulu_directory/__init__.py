"""Pelican plugin: compiles registry.csv and history.csv into the directory's pages."""

from pelican import signals

from .generator import DirectoryGenerator


def get_generators(pelican_object):
    return DirectoryGenerator


def register():
    signals.get_generators.connect(get_generators)
