"""Mark the matched words in a listing's name and description, the same way for every engine.

A word matches when its folded form is one of the query's folded words (or
starts with the word being typed), so "nuoc mam" marks "Nước mắm". Everything
is HTML-escaped; only our own <mark> tags are markup.
"""

import re

from django.utils.html import escape

from catalog.text import fold

from .query import Term

_WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 24


def matched_words(terms: tuple[Term, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(folded words that match, prefixes that match) for a query's terms."""
    words: set[str] = set()
    prefixes: list[str] = []
    for term in terms:
        for phrase in term.phrases:
            words.update(phrase)
        if term.prefix:
            prefixes.append(term.folded[-1])
    return frozenset(words), tuple(prefixes)


def _is_match(word: str, words: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word).split()
    return bool(folded) and all(
        part in words or any(part.startswith(prefix) for prefix in prefixes) for part in folded
    )


def highlight(text: str, terms: tuple[Term, ...]) -> str:
    """`text`, escaped, with each matched word wrapped in <mark>."""
    words, prefixes = matched_words(terms)
    out, last = [], 0
    for match in _WORD.finditer(text or ""):
        if _is_match(match.group(), words, prefixes):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape((text or "")[last:]))
    return "".join(out)


def snippet(text: str, terms: tuple[Term, ...], *, length: int = SNIPPET_WORDS) -> str:
    """A few words of `text` around its first matched word, escaped and marked."""
    if not text:
        return ""
    words, prefixes = matched_words(terms)
    spans = [m.span() for m in _WORD.finditer(text)]
    first = next(
        (i for i, (start, end) in enumerate(spans) if _is_match(text[start:end], words, prefixes)), 0
    )
    begin = max(0, first - length // 3)
    end = min(len(spans), begin + length)
    if not spans:
        return ""
    start_char = spans[begin][0]
    end_char = spans[end - 1][1] if end < len(spans) else len(text)
    return (
        ("… " if begin > 0 else "")
        + highlight(text[start_char:end_char], terms)
        + (" …" if end < len(spans) else "")
    )
