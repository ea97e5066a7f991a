"""`python -m bot` runs the hashbot command line."""

import sys

from bot.cli import main

sys.exit(main())
