"""The passage of a story's text shown under it on a results page: about SNIPPET_WORDS words
around the searched words, with those words between START and STOP marks, cut at word
boundaries, with an ellipsis wherever the text goes on. Pure text, no Django.

A word is marked when its stem is the stem of a searched word, as the search index stems them:
SQLite's FTS5 `porter` tokenizer, which lowercases, removes diacritics and applies the original
Porter algorithm to words of 3 to 64 characters (the Snowball project's `porter` stemmer is the
same algorithm). The text is not stemmed whole: a word can only share a stem with a searched
word if it starts with most of that stem, so the words that start so are found first (one
regular expression over the text) and only they are stemmed. Where no word of the text is
marked, `around` gives None, and the caller asks the index itself.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

import Stemmer

# Marks around matched words: noncharacters, which no stored text holds (they are dropped on
# every save, newsroom.text), while an editor may type any private-use character.
START, STOP = "\ufdd0", "\ufdd1"
SNIPPET_WORDS = 35
# Words shown before the first marked word, where the text has them.
LEAD_WORDS = 5
# A word longer than this at a passage's edge is cut rather than shown whole, and a passage
# of long words ends before its count of words.
LONGEST_WORD = 40
CHARACTERS_A_WORD = 10
# Marked words looked at to choose the passage, and words checked before giving up (for a
# long text full of words that start like a searched word without being one).
MOST_HITS = 64
MOST_CHECKED = 2_000
# FTS5's porter tokenizer leaves shorter and longer words as they are.
STEMMED_LENGTHS = range(3, 65)

# A word as FTS5's unicode61 tokenizer sees it: letters, digits and private-use characters.
WORD = re.compile(r"[^\W_]+")
WORD_CHARACTER = re.compile(r"[^\W_]")
# LEAD_WORDS words (runs of anything but spaces) and the spaces between, and the words of a
# passage and what is between them: each without backtracking.
LEADING_WORDS = re.compile(rf"(?:\s*\S+){{0,{LEAD_WORDS}}}")
PASSAGE_WORDS = re.compile(rf"(?:[\W_]*[^\W_]+){{0,{SNIPPET_WORDS}}}")
ELLIPSIS_BEFORE, ELLIPSIS_AFTER = "…\u2009", "\u2009…"

# A stemmer is not safe to share between threads (the development server and the tests run
# several): one for each.
_stemmers = threading.local()


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """`word` as the index keeps it: lowercased, without diacritics, stemmed."""
    word = word.lower()
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if len(word) not in STEMMED_LENGTHS:
        return word
    stemmer = getattr(_stemmers, "porter", None)
    if stemmer is None:
        stemmer = _stemmers.porter = Stemmer.Stemmer("porter")
    return stemmer.stemWord(word)


@dataclass(frozen=True)
class Searched:
    """The stems of the searched words, and a pattern finding the words of a lowercased text
    that may share one: those that start with the first letters of a stem."""

    stems: frozenset[str]
    candidates: re.Pattern

    @classmethod
    def of(cls, words: list[str]) -> Searched | None:
        stems = frozenset(stem(word) for word in words if word)
        if not stems:
            return None
        # A stem differs from the word it comes from at its last two letters at most
        # ("happy" gives "happi"); a short stem is its word.
        prefixes = sorted({s if len(s) <= 3 else s[: max(3, len(s) - 2)] for s in stems})
        alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
        return cls(stems, re.compile(rf"(?:{alternatives})[^\W_]*"))

    def hits(self, text: str, start: int = 0, end: int | None = None, most: int = MOST_HITS):
        """(start, end, stem) of the searched words of `text[start:end]`, `most` at most."""
        found = []
        end = len(text) if end is None else end
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter lowercased to two: words compared one by one
            lowered = text
        checked = 0
        for match in self.candidates.finditer(lowered, start, end):
            at = match.start()
            if at and WORD_CHARACTER.match(lowered, at - 1):
                continue  # the letters are inside a word, not at its start
            checked += 1
            if checked > MOST_CHECKED or len(found) >= most:
                break
            word_stem = stem(match.group())
            if word_stem in self.stems:
                found.append((at, match.end(), word_stem))
        return found


def around(text: str, searched: Searched) -> str | None:
    """The passage of `text` to show for `searched`, with its words marked, or None when no
    word of `text` is one of them."""
    hits = searched.hits(text)
    if not hits:
        return None
    anchor = _best_anchor(text, hits)
    # A few words before the first marked one, then the rest of the passage's words after.
    # (Read backwards: the words before the anchor, read from it.)
    behind = text[max(0, anchor - CHARACTERS_A_WORD * LEAD_WORDS) : anchor][::-1]
    begin = anchor - LEADING_WORDS.match(behind).end()
    end = PASSAGE_WORDS.match(text, begin, anchor + CHARACTERS_A_WORD * SNIPPET_WORDS).end()
    begin, end = widened(text, begin, end)
    marked = []
    at = begin
    for hit_start, hit_end, _ in searched.hits(text, begin, end, most=SNIPPET_WORDS):
        marked += [text[at:hit_start], START, text[hit_start:hit_end], STOP]
        at = hit_end
    marked.append(text[at:end])
    lead = ELLIPSIS_BEFORE if text[:begin].strip() else ""
    tail = ELLIPSIS_AFTER if text[end:].strip() else ""
    return lead + "".join(marked).strip() + tail


def _best_anchor(text: str, hits: list[tuple[int, int, str]]) -> int:
    """Where the passage holding the most different searched words starts: the first of them
    in the earliest such passage."""
    if len({hit_stem for _, _, hit_stem in hits}) == 1:
        return hits[0][0]
    # The position of each hit in words from the first, counted once over the text between.
    positions = [0]
    for previous, hit in zip(hits, hits[1:], strict=False):
        positions.append(positions[-1] + len(WORD.findall(text, previous[0], hit[0])))
    best, best_count = 0, 0
    last = 0
    for first in range(len(hits)):
        last = max(last, first)
        while last + 1 < len(hits) and positions[last + 1] - positions[first] < SNIPPET_WORDS:
            last += 1
        count = len({hit_stem for _, _, hit_stem in hits[first : last + 1]})
        if count > best_count:
            best, best_count = first, count
    return hits[best][0]


def widened(text: str, begin: int, end: int) -> tuple[int, int]:
    """`text[begin:end]` widened to the whitespace around it, so that no word is cut, unless
    the word is longer than LONGEST_WORD."""
    head = begin
    while head > 0 and begin - head < LONGEST_WORD and not text[head - 1].isspace():
        head -= 1
    tail = end
    while tail < len(text) and tail - end < LONGEST_WORD and not text[tail].isspace():
        tail += 1
    return head, tail
