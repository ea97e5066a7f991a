"""Hashtag normalization and extraction: pure functions, no I/O."""

from bot.hashtags.extract import TagOptions, extract_tags
from bot.hashtags.normalize import MAX_TAG_LENGTH, normalize, tag_key

__all__ = ["MAX_TAG_LENGTH", "TagOptions", "extract_tags", "normalize", "tag_key"]
