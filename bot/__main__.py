"""`python -m bot` runs the hashbot command line."""

from bot.cli import run

run()
