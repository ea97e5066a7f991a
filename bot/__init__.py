"""hashbot: turns news articles into well-tagged Telegram channel posts, on a schedule."""

__version__ = "0.1.0"
