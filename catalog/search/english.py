"""English stemming of inflections, for the English fields of a listing and the words of a query.

"honeys" and "honey", "dried", "drying" and "dry", "mangoes" and "mango", "berries" and "berry"
share one stem. This is the Porter2 (Snowball English) algorithm without its derivational
steps 2 to 4: its exceptions, the plural and -ed/-ing endings (steps 1a and 1b), the final y
(step 1c) and the final e or ll (step 5). Leaving derivations out keeps "organic" apart from
"organ" and "natural" from "nature", which a shopper means as different things.

Pure Python and the same for every engine: the search service stems the query, and
catalog/search/documents.py adds the stems of a listing's English words to what is indexed.
No installed library offers a stemmer (snowballstemmer and NLTK are not dependencies), so it
is written out here, after https://snowballstem.org/algorithms/english/stemmer.html.

Vietnamese syllables, folded or not, come through unchanged (tests/search/test_english.py checks
every syllable of the country's place names, and every initial with every rime): none ends in s,
-ed or -ing, a final e is never in R1, and a final y follows a vowel or a lone first consonant;
only spellings Vietnamese does not use, a y after two consonants ("thy" for the name Thi, the
"Kly" of the commune Ea Kly), become i. Only English fields are stemmed in the index, so the
stem of such a query word can only ever meet an English word's.
"""

from functools import lru_cache

_VOWELS = frozenset("aeiouy")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
# Longest first: the longest suffix that ends the word is the one step 1b looks at.
_STEP_1B = ("eedly", "ingly", "edly", "eed", "ing", "ed")
# R1 begins after these prefixes rather than where the general rule puts it.
_R1_PREFIXES = ("arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers")
_EXCEPTIONS = {
    "skis": "ski",
    "skies": "sky",
    "idly": "idl",
    "gently": "gentl",
    "ugly": "ugli",
    "early": "earli",
    "only": "onli",
    "singly": "singl",
    **dict.fromkeys(("sky", "news", "howe", "atlas", "cosmos", "bias", "andes"), None),
}
# -ing after exactly these is not an ending ("inning", "outing"); nor -eed after these ("proceed").
_NOT_ING = frozenset(("even", "cann", "inn", "earr", "herr", "out"))
_NOT_EED = frozenset(("succ", "proc", "exc"))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lowercase word; a word that is not plain ASCII letters, or is shorter
    than three letters, is its own stem."""
    if len(word) <= 2 or not word.isascii() or not word.isalpha() or not word.islower():
        return word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word] or word
    w = _consonant_ys(word)
    r1 = _r1(w)
    r2 = _region(w, r1)
    w = _step_1b(_step_1a(w), r1)
    w = _step_5(_step_1c(w), r1, r2)
    return w.replace("Y", "y")


def _vowel(letter: str) -> bool:
    return letter in _VOWELS


def _consonant_ys(word: str) -> str:
    """A y that starts the word or follows a vowel is a consonant, written Y while stemming."""
    letters = list(word)
    for i, letter in enumerate(letters):
        if letter == "y" and (i == 0 or _vowel(letters[i - 1])):
            letters[i] = "Y"
    return "".join(letters)


def _region(word: str, start: int) -> int:
    """Where the region after the first non-vowel following a vowel (from `start`) begins."""
    for i in range(start + 1, len(word)):
        if _vowel(word[i - 1]) and not _vowel(word[i]):
            return i + 1
    return len(word)


def _r1(word: str) -> int:
    prefix = next((p for p in _R1_PREFIXES if word.startswith(p)), "")
    return len(prefix) if prefix else _region(word, 0)


def _short_syllable_ends(word: str) -> bool:
    """Ends in a short syllable: non-vowel, vowel, non-vowel other than w, x or Y; or is a vowel
    and a non-vowel alone; or ends in "past"."""
    if len(word) == 2:
        return _vowel(word[0]) and not _vowel(word[1])
    return word.endswith("past") or (
        len(word) >= 3
        and not _vowel(word[-3])
        and _vowel(word[-2])
        and not _vowel(word[-1])
        and word[-1] not in "wxY"
    )


def _step_1a(w: str) -> str:
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith(("ied", "ies")):
        return w[:-3] + ("i" if len(w) > 4 else "ie")
    if w.endswith(("us", "ss")):
        return w
    if w.endswith("s") and any(_vowel(letter) for letter in w[:-2]):
        return w[:-1]
    return w


def _step_1b(w: str, r1: int) -> str:
    suffix = next((s for s in _STEP_1B if w.endswith(s)), None)
    if suffix is None:
        return w
    base = w[: -len(suffix)]
    if suffix in ("eed", "eedly"):
        return base + "ee" if len(base) >= r1 and base not in _NOT_EED else w
    if suffix == "ing":
        if len(base) == 2 and base[1] == "y" and not _vowel(base[0]):
            return base[0] + "ie"  # dying, lying, tying
        if base in _NOT_ING:
            return w
    if not any(_vowel(letter) for letter in base):
        return w
    if base.endswith(("at", "bl", "iz")):
        return base + "e"
    if base.endswith(_DOUBLES):
        # "add", "err", "ebb", "off" keep their double.
        return base if len(base) == 3 and base[0] in "aeo" else base[:-1]
    if len(base) == r1 and _short_syllable_ends(base):
        return base + "e"
    return base


def _step_1c(w: str) -> str:
    if len(w) > 2 and w[-1] in "yY" and not _vowel(w[-2]):
        return w[:-1] + "i"
    return w


def _step_5(w: str, r1: int, r2: int) -> str:
    last = len(w) - 1
    if w.endswith("e") and (last >= r2 or (last >= r1 and not _short_syllable_ends(w[:-1]))):
        return w[:-1]
    if w.endswith("ll") and last >= r2:
        return w[:-1]
    return w
