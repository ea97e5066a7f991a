"""Adapters that turn sources (files, standard input, feeds, web pages) into articles."""

from bot.ingest.local import STDIN, Loaded, is_web_address, load_sources

__all__ = ["STDIN", "Loaded", "is_web_address", "load_sources"]
