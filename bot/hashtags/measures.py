"""Nouns that measure time, money or amounts, or count things, by language: never a hashtag alone.

"50 ans", "depuis trois mois", "la nuit dernière", "7,2 milliards d'euros", "une trentaine de
départements", "centenas de escolas", "rose 3 percent", "42 degrees Celsius": the article is
about what is measured or counted, not about the measure. A phrase holding one may still be a
tag (années-lumière, working hours, night trains); the word alone is not, and a phrase that
opens with a counting noun before "de" speaks of its rest (le nombre d'emplois → emplois).
Lowercase; singular and plural.
"""

from __future__ import annotations

from functools import cache

_TIME = {
    "en": """
        year years month months week weeks weekend day days hour hours minute minutes decade
        decades century centuries morning mornings afternoon evening evenings night nights
    """,
    "fr": """
        an ans année années mois semaine semaines week-end jour jours journée journées heure
        heures minute minutes seconde secondes décennie décennies siècle siècles matin matins
        matinée soir soirs soirée soirées nuit nuits après-midi veille lendemain
    """,
    "pt": """
        ano anos mês meses semana semanas dia dias hora horas minuto minutos década décadas
        século séculos manhã manhãs tarde tardes noite noites madrugada véspera
    """,
    "es": """
        año años mes meses semana semanas día días hora horas minuto minutos década décadas
        siglo siglos mañana mañanas tarde tardes noche noches madrugada víspera
    """,
    "de": """
        jahr jahre jahren monat monate monaten woche wochen wochenende tag tage tagen stunde
        stunden minute minuten jahrzehnt jahrzehnte jahrhundert jahrhunderte vormittag
        nachmittag abend abende nacht nächte
    """,
    "nl": """
        jaar jaren maand maanden week weken weekend dag dagen uur uren minuut minuten
        decennium decennia eeuw eeuwen ochtend middag avond avonden nacht nachten
    """,
}

#: Money in the plural: "7,2 milliards d'euros" is an amount; "la crise de l'euro" a topic.
_MONEY = {
    "en": "euros dollars pounds",
    "fr": "euros dollars",
    "pt": "euros dólares reais",
    "es": "euros dólares pesos",
    "de": "euros dollars",
    "nl": "euros dollars",
}

#: Units of amounts: "rose 3 percent", "42 degrees Celsius", "à 300 kilomètres de Paris". Not the
#: ambiguous ones (English "meter", a device; Dutch "ton", also a barrel).
_UNIT = {
    "en": """
        percent percentage degrees celsius fahrenheit kilometres kilometers miles metres
        tonnes tons kilograms kilos litres liters hectares acres
    """,
    "fr": "pourcentage pourcents degrés celsius kilomètres mètres tonnes kilos kilogrammes litres hectares",
    "pt": """
        porcentagem percentagem graus celsius quilômetros quilómetros metros toneladas quilos
        litros hectares
    """,
    "es": "porcentaje grados celsius kilómetros metros toneladas kilos litros hectáreas",
    "de": "prozent grad celsius kilometer meter tonnen kilogramm liter hektar",
    "nl": "procent graden celsius kilometer kilometers meter tonnen kilo liter hectare",
}

#: Nouns that count what follows them: "a number of", "une trentaine de", "centenas de".
#: Not "quarantaine" (also quarantine) nor "partie" (also a game).
_COUNT = {
    "en": "number dozen dozens hundreds thousands millions billions",
    "fr": """
        nombre dizaine dizaines douzaine douzaines quinzaine quinzaines vingtaine vingtaines
        trentaine trentaines cinquantaine cinquantaines centaine centaines millier milliers
        million millions milliard milliards majorité plupart moitié
    """,
    "pt": """
        número dezena dezenas centena centenas milhar milhares milhão milhões bilhão bilhões
        maioria metade
    """,
    "es": """
        número decena decenas docena docenas centena centenas centenar centenares cientos miles
        millar millares millón millones mayoría mitad
    """,
    "de": "anzahl dutzend dutzende hunderte tausende millionen milliarden mehrheit hälfte",
    "nl": "aantal tientallen honderden duizenden miljoenen miljarden meerderheid helft",
}


@cache
def measures(lang: str | None) -> frozenset[str]:
    """The nouns of time, money, amounts and counting in `lang` (none for a language not listed)."""
    code = lang or ""
    words = f"{_TIME.get(code, '')} {_MONEY.get(code, '')} {_UNIT.get(code, '')}"
    return frozenset(words.split()) | counting_nouns(lang)


@cache
def counting_nouns(lang: str | None) -> frozenset[str]:
    """The nouns that count what follows them: nombre, trentaine, centenas, thousands."""
    return frozenset(_COUNT.get(lang or "", "").split())
