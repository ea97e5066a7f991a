"""Adapters that turn sources (files, standard input; feeds and pages later) into articles."""

from bot.ingest.local import STDIN, SUFFIXES, Loaded, load_sources

__all__ = ["STDIN", "SUFFIXES", "Loaded", "load_sources"]
