"""The Jinja2 templates shipped with hashbot, installed as the data package ``bot.templates``."""
