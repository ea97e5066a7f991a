"""Lines that are no part of an article: share buttons, "Read more", bylines, photo credits.

Both the renderer (a post's summary) and the tag engine (a teaser's tags) leave them out.
"""

from __future__ import annotations

import re

_BOILERPLATE = re.compile(
    r"""^\W*(?i:
        advertisement|publicit[ée]|anzeige|publicidade|werbung
        |(?:read|see)\ (?:more|also)|related(?:\ articles?)?|more\ on\ this\ story
        |(?:[àa]\ )?lire\ aussi|voir\ aussi|lesen\ sie\ (?:auch|mehr)|mehr\ zum\ thema
        |leia\ (?:tamb[ée]m|mais)|veja\ tamb[ée]m|lee\ tambi[ée]n
        |sign\ up|subscribe|follow\ us|share\ (?:this|on)|click\ here|listen\ to\ this
        |photo|image|credit|source|getty\ images|copyright|all\ rights\ reserved
    )\b
    |^\s*©
    # a byline: "By Ana Lima and Jo Park", "Par Jean Dupont, à Paris"
    |^(?:By|BY|Par|PAR|Von|Por)\ +[A-ZÀ-Þ][\w.'-]*
        (?:(?:,|\ +(?:and|et|und|e|y))?(?:\ +(?:de|da|do|dos|del|di|du|van|von|der|den|la|le))*
        \ +[A-ZÀ-Þ][\w.'-]*)*(?:,[^.]*)?$
    """,
    re.VERBOSE,
)
#: Lines of boilerplate are short; a long paragraph starting with "By" is real text.
BOILERPLATE_MAX = 120


def is_boilerplate(line: str) -> bool:
    """Whether a line (one paragraph, stripped) is boilerplate rather than article text."""
    return len(line) <= BOILERPLATE_MAX and bool(_BOILERPLATE.match(line))
