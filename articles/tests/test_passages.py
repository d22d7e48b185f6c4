"""The passage shown under a search result: the searched words marked as the index stems them,
cut at word boundaries, linear in the text's size. Pure text: no database."""

import re
import sqlite3

import pytest

from articles import passages
from articles.passages import START, STOP, Searched, around, stem
from articles.tests.test_linear_time import ALLOWED_RATIO, growth

SEED = (
    "Kanye West and Spike Jonze have collaborated on a short film, and the details of the "
    "collaboration are scarce. The film, titled We Were Once a Fairytale, premieres at the "
    "Los Angeles Film Festival. Both men have worked together before, on Flashing Lights."
)


def marked(passage: str) -> list[str]:
    return re.findall(f"{START}(.*?){STOP}", passage)


def plain(passage: str) -> str:
    return passage.replace(START, "").replace(STOP, "")


def test_the_words_sharing_a_stem_with_a_searched_word_are_marked():
    passage = around(SEED, Searched.of(["collaboration"]))
    assert marked(passage) == ["collaborated", "collaboration"]


def test_case_and_diacritics_do_not_matter():
    passage = around("The new album from BEYONCÉ arrives.", Searched.of(["beyonce"]))
    assert marked(passage) == ["BEYONCÉ"]
    assert marked(around("Beyonce was there.", Searched.of(["Beyoncé"]))) == ["Beyonce"]


def test_letters_inside_a_word_are_not_a_match():
    assert around("His profile grew.", Searched.of(["file"])) is None
    assert marked(around("His profile grew; the file leaked.", Searched.of(["file"]))) == ["file"]


def test_short_words_are_not_stemmed_as_the_index_does_not_stem_them():
    # "as" stems to "a" in Porter's algorithm, but the index keeps words under 3 letters whole.
    assert stem("as") == "as"
    assert around("A song.", Searched.of(["as"])) is None


def test_no_match_gives_none_and_no_words_gives_no_search():
    assert around(SEED, Searched.of(["synthesizer"])) is None
    assert Searched.of([]) is None


def test_a_passage_is_whole_words_with_an_ellipsis_where_the_text_goes_on():
    text = (
        " ".join(f"word{n}" for n in range(100))
        + " film "
        + " ".join(f"tail{n}" for n in range(100))
    )
    passage = around(text, Searched.of(["film"]))
    assert passage.startswith("…\u2009") and passage.endswith("\u2009…")
    inner = plain(passage)[2:-2]
    assert f" {inner} " in f" {text} "
    # A few words before the match, the rest after: SNIPPET_WORDS in all.
    assert inner.split()[:6] == ["word95", "word96", "word97", "word98", "word99", "film"]
    assert len(inner.split()) == passages.SNIPPET_WORDS


def test_a_short_text_is_shown_whole_without_ellipses():
    passage = around("Film news.", Searched.of(["film"]))
    assert passage == f"{START}Film{STOP} news."


def test_words_with_apostrophes_and_hyphens_stay_whole():
    passage = around(
        "x " * 60 + "Kanye's hip-hop film can't wait. " + "y " * 60, Searched.of(["hop"])
    )
    assert "Kanye's hip-" + START + "hop" + STOP + " film can't wait." in passage


def test_the_passage_holding_most_of_the_searched_words_is_chosen():
    text = "film " + "filler " * 80 + "a film by Spike Jonze " + "filler " * 80
    passage = around(text, Searched.of(["film", "jonze"]))
    assert marked(passage) == ["film", "Jonze"]


@pytest.mark.parametrize("filler", ["x" * 500, "xxxxxxxxxxxxxxxxxxxx " * 50])
def test_long_words_are_cut_at_the_passage_edges(filler):
    passage = plain(around(f"{filler} film {filler}", Searched.of(["film"])))
    words = passages.LEAD_WORDS + passages.SNIPPET_WORDS
    assert " film " in passage
    assert len(passage) <= passages.CHARACTERS_A_WORD * words + 2 * passages.LONGEST_WORD + 4


def fts5_stems(words: list[str]) -> list[list[str]]:
    """The terms SQLite's FTS5 `porter unicode61` tokenizer makes of each word."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(w, tokenize = 'porter unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    db.executemany("INSERT INTO f (rowid, w) VALUES (?, ?)", list(enumerate(words, 1)))
    terms: dict[int, list[str]] = {}
    for term, doc in db.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        terms.setdefault(doc, []).append(term)
    return [terms.get(n, []) for n in range(1, len(words) + 1)]


def test_stems_are_the_search_index_stems():
    words = re.findall(r"[^\W_]+", SEED) + [
        "happy", "happiness", "running", "relational", "conditional", "sensibility",
        "generalization", "hopefulness", "as", "is", "Beyoncé", "Mötley", "x" * 70, "agreed",
    ]  # fmt: skip
    assert [[stem(word)] for word in words] == fts5_stems(words)


SHAPES = {
    "one long word": lambda n: "f" * n,
    "the searched word everywhere": lambda n: "film " * (n // 5),
    "words starting like it": lambda n: "filx " * (n // 5),
    "letters inside words": lambda n: "afil" * (n // 4),
    "no spaces, punctuation": lambda n: "film," * (n // 5),
    "spaces": lambda n: " " * n,
    "match at the end": lambda n: "word " * (n // 5) + "film",
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_passage_is_linear_in_the_text_size(shape):
    searched = Searched.of(["film", "west"])
    ratio = growth(lambda text: around(text, searched), shape)
    assert ratio <= ALLOWED_RATIO, f"4x the input cost {ratio:.1f}x the time"


def test_stems_are_right_from_many_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor

    words = [f"{root}{ending}" for root in ("collaborat", "perform", "record") for ending in
             ("e", "ed", "ing", "ion", "ions", "ive")]  # fmt: skip
    import Stemmer

    expected = Stemmer.Stemmer("porter").stemWords(words)

    def stems(_):
        stem.cache_clear()
        return [stem(word) for word in words * 50]

    with ThreadPoolExecutor(8) as pool:
        for found in pool.map(stems, range(32)):
            assert found == expected * 50
