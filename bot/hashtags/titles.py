"""Titles and roles written before a person's name, by language: never part of the name's tag.

"Prime Minister Keir Starmer" is tagged #KeirStarmer, "la ministre Rachida Dati" #RachidaDati.
Lowercase; a title of several words is listed word by word (prime, minister), since any run of
them before a name is cut off.
"""

from __future__ import annotations

from functools import cache

_COMMON = "dr prof sir lord lady dame mr mrs ms mme mlle m st"

_BY_LANGUAGE = {
    "en": """
        president vice prime minister chancellor secretary general senator governor mayor
        congressman congresswoman representative rep sen gov judge justice chief ceo chairman
        chairwoman chair director king queen prince princess pope cardinal archbishop bishop
        father reverend rev sheikh emir sultan ayatollah commissioner ambassador spokesman
        spokeswoman spokesperson leader deputy foreign finance defence defense interior health
        premier coach captain officer inspector sergeant lieutenant colonel major commander
        admiral professor doctor former late new acting interim opposition party labour tory
    """,
    "fr": """
        président présidente vice premier première ministre chancelier chancelière secrétaire
        général générale sénateur sénatrice député députée maire gouverneur juge roi reine
        prince princesse pape cardinal archevêque évêque père cheikh émir ambassadeur
        ambassadrice porte-parole dirigeant dirigeante chef patron patronne directeur
        directrice commissaire entraîneur capitaine colonel commandant professeur docteur
        ancien ancienne nouveau nouvelle candidat candidate
    """,
    "de": """
        präsident präsidentin vize bundeskanzler bundeskanzlerin kanzler kanzlerin minister
        ministerin ministerpräsident ministerpräsidentin bundespräsident bundespräsidentin
        außenminister außenministerin finanzminister finanzministerin staatssekretär
        generalsekretär bürgermeister bürgermeisterin oberbürgermeister senator senatorin
        gouverneur richter richterin könig königin prinz prinzessin papst kardinal bischof
        botschafter botschafterin sprecher sprecherin chef chefin vorsitzende vorsitzender
        trainer trainerin kapitän professor professorin herr frau ex
    """,
    "es": """
        presidente presidenta vicepresidente vicepresidenta primer primera ministro ministra
        canciller secretario secretaria general senador senadora diputado diputada alcalde
        alcaldesa gobernador gobernadora juez jueza rey reina príncipe princesa papa cardenal
        arzobispo obispo padre jeque embajador embajadora portavoz líder jefe jefa director
        directora comisario entrenador capitán coronel comandante profesor profesora doctor
        doctora don doña señor señora sr sra expresidente exministro
    """,
    "pt": """
        presidente presidenta vice-presidente primeiro primeira primeiro-ministro
        primeira-ministra ministro ministra chanceler secretário secretária general senador
        senadora deputado deputada prefeito prefeita governador governadora juiz juíza rei
        rainha príncipe princesa papa cardeal arcebispo bispo padre xeque embaixador
        embaixadora porta-voz líder chefe diretor diretora comissário treinador técnico
        capitão coronel comandante professor professora doutor doutora dom dona senhor
        senhora sr sra ex-presidente ex-ministro
    """,
    "nl": """
        president premier minister-president minister staatssecretaris secretaris-generaal
        burgemeester wethouder senator gouverneur rechter koning koningin prins prinses paus
        kardinaal bisschop ambassadeur woordvoerder woordvoerster leider voorzitter directeur
        topman topvrouw trainer coach kapitein commandant professor dokter meneer mevrouw
        oud-premier oud-minister
    """,
}


#: Trades that news writes before a name: "le journaliste Gilles Jacquier" is #GillesJacquier.
_TRADES = {
    "en": """
        journalist reporter correspondent lawyer attorney actor actress singer writer author artist
        photographer filmmaker scientist researcher economist analyst player striker goalkeeper
        skipper driver rapper musician activist presenter astronaut entrepreneur businessman
        businesswoman billionaire
    """,
    "fr": """
        journaliste reporter correspondant correspondante avocat avocate acteur actrice chanteur
        chanteuse écrivain écrivaine auteur autrice artiste photographe cinéaste réalisateur
        réalisatrice scientifique chercheur chercheuse économiste joueur joueuse attaquant
        navigateur navigatrice skipper pilote militant militante animateur animatrice astronaute
        milliardaire
    """,
    "de": """
        journalist journalistin reporter korrespondent korrespondentin anwalt anwältin schauspieler
        schauspielerin sänger sängerin schriftsteller schriftstellerin autor autorin künstler
        künstlerin fotograf fotografin regisseur regisseurin wissenschaftler wissenschaftlerin
        forscher forscherin ökonom ökonomin spieler spielerin stürmer torwart pilot pilotin aktivist
        aktivistin moderator moderatorin astronaut astronautin unternehmer unternehmerin
    """,
    "es": """
        periodista reportero reportera corresponsal abogado abogada actor actriz cantante escritor
        escritora autor autora artista fotógrafo fotógrafa cineasta científico científica
        investigador investigadora economista jugador jugadora delantero portero piloto activista
        presentador presentadora astronauta empresario empresaria
    """,
    "pt": """
        jornalista repórter correspondente advogado advogada ator atriz cantor cantora escritor
        escritora autor autora artista fotógrafo fotógrafa cineasta cientista pesquisador
        pesquisadora economista jogador jogadora atacante goleiro piloto ativista apresentador
        apresentadora astronauta empresário empresária bilionário
    """,
    "nl": """
        journalist verslaggever correspondent advocaat acteur actrice zanger zangeres schrijver
        schrijfster auteur kunstenaar fotograaf regisseur wetenschapper onderzoeker econoom speler
        spits keeper piloot activist presentator presentatrice astronaut ondernemer
    """,
}


#: Titles that qualify another title (the "Foreign" of "Foreign Minister", "former", "prime")
#: and are never cut before a name on their own: "New York", "Nouvelle Démocratie", "Foreign
#: Office", "Major League Baseball" are names, not a title and a name.
_QUALIFIERS = {
    "en": "new former late acting interim prime vice deputy foreign finance defence defense interior health"
    " opposition party labour tory major general",
    "fr": "nouveau nouvelle ancien ancienne vice premier première",
    "de": "vize ex",
    "es": "primer primera",
    "pt": "primeiro primeira",
    "nl": "",
}


@cache
def qualifiers(lang: str | None) -> frozenset[str]:
    """The titles of `lang` cut before a name only together with the title they qualify."""
    return frozenset(_QUALIFIERS.get(lang or "", "").split())


def titles(lang: str | None, *, trades: bool = True) -> frozenset[str]:
    """The titles written before names in `lang` (and the Latin-script courtesy titles); empty if unknown.

    With `trades`, the trades too: they are cut from a name like titles, but unlike an office
    a trade can be an article's topic (#Avocat), so the ranker asks for the offices alone.
    """
    words = _BY_LANGUAGE.get(lang or "")
    if words is None:
        return frozenset()
    if trades:
        words += _TRADES.get(lang or "", "")
    return frozenset((words + " " + _COMMON).split())
