from __future__ import annotations

from bot.hashtags.candidates import MAX_NAME_WORDS, PARTICLES, Candidate, count_phrases
from bot.hashtags.language import LanguageData

FR = LanguageData.known("fr")
EN = LanguageData.known("en")
DE = LanguageData.known("de")


def collect_candidates(title: str | None, text: str, data: LanguageData) -> dict[str, Candidate]:
    """Every phrase the counter found, by key, as the ranker's pool sees them."""
    return {candidate.key: candidate for candidate in count_phrases(title, text, data).every()}


def test_elided_articles_and_possessives_go() -> None:
    found = collect_candidates(None, "Le sort de l'Ukraine. Europe's future.", FR)
    assert "ukraine" in found and "l'ukraine" not in found
    assert "europe" in collect_candidates(None, "It is Europe's future and Europe's choice.", EN)


def test_names_join_across_particles_and_common_words_across_de() -> None:
    found = collect_candidates(
        None, "Il cite Charles de Gaulle. Un accord de paix, puis un accord de paix.", FR
    )
    assert "charles de gaulle" in found
    assert found["accord de paix"].count == 2
    assert "de paix" not in found and "de" not in found


def test_a_surname_led_by_a_lowercase_particle_is_counted_with_it() -> None:
    """de Gaulle, von der Leyen: counted as a phrase led by a particle, with where it opens a run."""
    found = collect_candidates(
        None, "Charles de Gaulle a parlé. Plus tard, de Gaulle est revenu de Paris.", FR
    )
    assert found["de gaulle"].count == found["de gaulle"].led == 2
    assert found["de gaulle"].opening == 1  # said without the first name once
    assert found["de paris"].opening == 1 and not found["de paris"].capitalized
    leyen = collect_candidates(None, "Ursula von der Leyen came. Von der Leyen spoke.", EN)
    assert leyen["von der leyen"].count == 2 and "der leyen" not in leyen


def test_names_joined_by_ampersands_stay_as_short_as_other_names() -> None:
    """Only one "&" of a phrase counts its two names as one: a chain of them is no longer name."""
    chain = " & ".join(f"Nom{letter}" for letter in "abcdefghijklmnopqrstuvwxyz")
    found = collect_candidates(None, f"Le groupe {chain} a parlé. Marks & Spencer aussi.", FR)
    assert "marks & spencer" in found
    longest = max(len(set(key.split(" ")) - PARTICLES) for key in found)
    assert longest <= MAX_NAME_WORDS + 1


def test_capitals_count_as_names_mid_sentence_or_when_tagged_as_names() -> None:
    text = "Paris attend. Le maire de Paris parle. Demain, tout change."
    untagged = collect_candidates(None, text, LanguageData.known("xx"))
    assert untagged["paris"].capitalized == 1  # the first one opens a sentence: no evidence
    assert untagged["demain"].capitalized == 0
    assert collect_candidates(None, text, FR)["paris"].capitalized == 2  # a proper noun, wherever it stands


def test_acronyms_are_words_even_when_they_spell_a_stopword() -> None:
    found = collect_candidates("Brussels delays the AI Act", "The US and the EU discuss the AI Act.", EN)
    assert found["ai act"].count == 2 and found["ai act"].in_title == 1
    assert "us" in found


def test_stopword_compounds_and_time_words_break_runs() -> None:
    found = collect_candidates(None, "Sera-t-il prêt mardi ? A-t-il signé le traité en janvier ?", FR)
    assert not {"sera-t-il", "a-t-il", "mardi", "janvier"} & set(found)
    assert "traité" in found


def test_a_headline_label_is_marked() -> None:
    found = collect_candidates(
        "Informatique : un centenaire pour Alan Turing", "Alan Turing est né en 1912.", FR
    )
    assert found["informatique"].in_label and not found["centenaire"].in_label
    assert found["alan turing"].count == 2 and found["alan turing"].first == 0


def test_words_after_numbers_are_counted_but_not_after_years() -> None:
    found = collect_candidates(
        None, "Il y a 40 milliards, 3,5 milliards et 8 000 emplois. En 2012 emplois et x9 milliards.", FR
    )
    assert found["milliards"].after_number == 2  # not after "x9": a number is no part of a word
    assert found["emplois"].after_number == 1  # not after the year 2012


def test_the_ranker_sees_the_same_phrases_as_the_full_count() -> None:
    title, text = "Égypte : Mohamed Morsi élu", "Mohamed Morsi a été élu. Morsi parle au Caire, au Caire."
    phrases, every = count_phrases(title, text, FR), collect_candidates(title, text, FR)
    assert {candidate.key for candidate in phrases.likely} == {
        key for key, c in every.items() if c.count > 1 or c.in_title or c.capitalized
    }
    assert phrases.get("caire") == every["caire"] and phrases.get("nulle part") is None


def test_a_candidate_keeps_its_content_words_and_compares_without_them() -> None:
    gulf = Candidate("gulf of mexico", "Gulf of Mexico", 3, 1)
    same = Candidate("gulf of mexico", "Gulf of Mexico", 3, 1)
    assert gulf.content_words() == ["gulf", "mexico"]
    assert gulf.content_words() is gulf.content_words()  # split once
    assert gulf == same  # whether the words were asked for is no part of the evidence


def test_a_person_after_a_name_in_apposition_is_a_name_of_their_own() -> None:
    """A first name after a place or an acronym starts the person: no #BretagneJeanMartin."""
    found = collect_candidates(
        None, "Le préfet de Bretagne Jean Martin a parlé. Il a déclaré à l'AFP Pierre Durand.", FR
    )
    assert "jean martin" in found and "bretagne" in found and "bretagne jean" not in found
    assert "pierre durand" in found and "afp pierre" not in found
    # A first name after a first name (Mary Jo), or in an institution's name, stays inside it.
    found = collect_candidates(None, "Then Mary Jo Foley spoke at Lycée Jean Moulin.", EN)
    assert "mary jo foley" in found
    assert "lycée jean moulin" in collect_candidates(None, "Il enseigne au Lycée Jean Moulin.", FR)


def test_a_first_name_opening_a_sentence_is_a_name_whatever_the_tagger_says() -> None:
    """The German tagger reads an unknown "Ursula" opening a sentence as an adverb; before a
    surname particle and a name it opens the person."""
    found = collect_candidates(
        None, "Ursula von der Leyen sagte am Montag, die Kommission werde handeln.", DE
    )
    assert found["ursula von der leyen"].count == found["ursula"].count == 1
