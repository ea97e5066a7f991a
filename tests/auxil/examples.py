"""The bundled example articles with fixed tags and a fixed clock, for rendering tests.

Tags are written here rather than extracted, so template tests do not move when tagging improves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from auxil.paths import EXAMPLES
from bot.ingest import load_sources
from bot.models import Article, Tag, TagReason

NOW = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)

_TAGS = {
    "brasil-chuvas-pt.html": ["RioGrandeDoSul", "PortoAlegre", "DefesaCivil", "Enchentes"],
    "bundesbahn-de.json": ["DeutscheBahn", "Bahn", "Brücken", "Infrastruktur"],
    "eu-ai-act-en.txt": ["AIAct", "EU", "EuropeanCommission", "DigitalRights"],
    "heatwave-lisbon.md": ["Heatwave", "Portugal", "Spain", "Wildfires", "Climate"],
    "seed_article_fr.txt": ["Ukraine", "Macron", "Starmer", "Zelensky", "CessezLeFeu", "Paris"],
}


def tags_for(names: list[str]) -> tuple[Tag, ...]:
    return tuple(Tag(name, float(len(names) - rank), TagReason.ENTITY) for rank, name in enumerate(names))


@cache
def examples() -> tuple[tuple[str, Article, tuple[Tag, ...]], ...]:
    """``(file name, article, tags)`` for every example, in name order."""
    found = []
    for item in load_sources([str(EXAMPLES)]):
        assert isinstance(item, Article), item
        name = item.source.rsplit("/", 1)[-1]
        found.append((name, item, tags_for(_TAGS[name])))
    return tuple(found)
