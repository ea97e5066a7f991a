"""Nationality adjectives and the places they name, by language: "Austrian lawmakers" is about Austria.

An editor tags the country, not the adjective (#Austria, not #Austrian or #AustrianLawmakers).
Only for languages that capitalize these adjectives, where the tagger can tell them from a name
of their own (English); elsewhere the adjective is lowercase and part of a compound term
(armée française). Ambiguous adjectives are left out: American (the continent or the United
States), English (also the language, more often than the country in news), and those of
continents (European: Europe, or the European Union?).
"""

from __future__ import annotations

_ENGLISH = """
    afghan:Afghanistan albanian:Albania algerian:Algeria angolan:Angola argentine:Argentina
    argentinian:Argentina armenian:Armenia australian:Australia austrian:Austria
    azerbaijani:Azerbaijan bangladeshi:Bangladesh belarusian:Belarus belgian:Belgium
    bolivian:Bolivia bosnian:Bosnia brazilian:Brazil british:Britain bulgarian:Bulgaria
    burmese:Myanmar cambodian:Cambodia cameroonian:Cameroon canadian:Canada chadian:Chad
    chilean:Chile chinese:China colombian:Colombia congolese:Congo croatian:Croatia cuban:Cuba
    cypriot:Cyprus czech:Czechia danish:Denmark dutch:Netherlands ecuadorian:Ecuador
    egyptian:Egypt eritrean:Eritrea estonian:Estonia ethiopian:Ethiopia filipino:Philippines
    finnish:Finland french:France georgian:Georgia german:Germany ghanaian:Ghana greek:Greece
    guatemalan:Guatemala haitian:Haiti honduran:Honduras hungarian:Hungary icelandic:Iceland
    indian:India indonesian:Indonesia iranian:Iran iraqi:Iraq irish:Ireland israeli:Israel
    italian:Italy ivorian:Ivory_Coast jamaican:Jamaica japanese:Japan jordanian:Jordan
    kazakh:Kazakhstan kenyan:Kenya korean:Korea kosovar:Kosovo kuwaiti:Kuwait kyrgyz:Kyrgyzstan
    latvian:Latvia lebanese:Lebanon liberian:Liberia libyan:Libya lithuanian:Lithuania
    luxembourgish:Luxembourg malagasy:Madagascar malaysian:Malaysia malian:Mali maltese:Malta
    mexican:Mexico moldovan:Moldova mongolian:Mongolia montenegrin:Montenegro moroccan:Morocco
    mozambican:Mozambique namibian:Namibia nepalese:Nepal nepali:Nepal nicaraguan:Nicaragua
    nigerian:Nigeria nigerien:Niger norwegian:Norway pakistani:Pakistan palestinian:Palestine
    panamanian:Panama paraguayan:Paraguay peruvian:Peru polish:Poland portuguese:Portugal
    qatari:Qatar romanian:Romania russian:Russia rwandan:Rwanda saudi:Saudi_Arabia
    scottish:Scotland senegalese:Senegal serbian:Serbia singaporean:Singapore slovak:Slovakia
    slovenian:Slovenia somali:Somalia spanish:Spain sudanese:Sudan swedish:Sweden
    swiss:Switzerland syrian:Syria taiwanese:Taiwan tajik:Tajikistan tanzanian:Tanzania
    thai:Thailand tunisian:Tunisia turkish:Turkey ugandan:Uganda ukrainian:Ukraine
    uruguayan:Uruguay uzbek:Uzbekistan venezuelan:Venezuela vietnamese:Vietnam welsh:Wales
    yemeni:Yemen zambian:Zambia zimbabwean:Zimbabwe
"""

_BY_LANGUAGE = {"en": _ENGLISH}


def demonyms(lang: str | None) -> dict[str, str]:
    """Lowercase nationality adjective → the place it names, as written; empty for other languages."""
    words = _BY_LANGUAGE.get(lang or "", "").replace(":", " ").split()  # adjective, place, …
    return dict(zip(words[::2], [place.replace("_", " ") for place in words[1::2]], strict=True))
