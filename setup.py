"""Build hook: compile the hashtag engine with mypyc, or ship it as plain Python.

The engine is typed Python; mypyc turns it into a C extension 3 to 6 times as fast (see the
README's Development section). Everything else in the configuration lives in pyproject.toml. Without
a C compiler, or with HASHBOT_PURE_PYTHON=1, the same modules run as Python: the extensions are
optional, so a failed compile never fails the install.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup

COMPILED = [
    "bot/hashtags/candidates.py",
    "bot/hashtags/conjoined.py",
    "bot/hashtags/extract.py",
    "bot/hashtags/first_names.py",
    "bot/hashtags/glottonyms.py",
    "bot/hashtags/language.py",
    "bot/hashtags/normalize.py",
    "bot/hashtags/rank.py",
    "bot/hashtags/tagger.py",
    "bot/hashtags/truecase.py",
    "bot/hashtags/vocabulary.py",
    "bot/hashtags/words.py",
]


def compiled_modules() -> list[Extension]:
    if os.environ.get("HASHBOT_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    # The engine's third-party imports are not installed where it is built; they stay dynamic.
    options = ["--ignore-missing-imports", "--no-warn-return-any"]
    extensions = mypycify([*options, *COMPILED], opt_level="3", group_name="hashbot_tags")
    for extension in extensions:
        extension.optional = True
    return extensions


setup(ext_modules=compiled_modules())
