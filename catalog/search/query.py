"""What goes into a search and what comes out, for every engine.

A SearchQuery is checked once here (`SearchQuery.clean()`), so an engine only
ever sees text it can quote safely and filters of the right type. Bad input
raises SearchQueryError with a readable message, which the page and the API
show as a 4xx.

The operators of the engines' query languages (double quotes, `*`, `NEAR(`,
and AND, OR, NOT written in capitals) are refused with a message that offers the
same search in plain words: they would do nothing here, and a buyer who types
them expects them to. Everything else is words.

The text becomes a tuple of Terms. A term is matched on its folded form
(no marks, đ→d), which is only ever ASCII letters and digits, so nothing a user
types (colons, parentheses, dashes, carets) can reach an engine's query syntax
as an operator.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.utils.translation import gettext as _

from catalog.text import fold

from .english import stem

MAX_TEXT_LENGTH = 200
MAX_TERMS = 12
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
MAX_PRICE = 10**15
SORTS = ("relevance", "price_asc", "price_desc", "newest", "stars")
FACETS = ("category", "province", "ocop_stars")
KINDS = ("htx", "lhhtx", "tht")
CERTIFICATIONS = ("vietgap", "globalgap", "organic", "haccp", "iso22000", "other")
# Words of at least this many letters tolerate one typing error (longer ones are not words).
TYPO_MIN_LENGTH = 4
TYPO_MAX_LENGTH = 20
# Entries (catalog.search.entries) a search returns at most per page: a caller that filters and
# pages them itself (the supply–demand board) asks for the best ones at once.
MAX_ENTRY_PAGE_SIZE = 500
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,19}$")

_WORD = re.compile(r"[^\W_]+")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
# Query-language operators of FTS5, PostgreSQL and Elasticsearch that a buyer might type.
_OPERATORS = re.compile(r'["“”„*]|\bNEAR\s*\(|\b(?:AND|OR|NOT)\b')


class SearchQueryError(ValueError):
    """The query cannot be run as given; the message says why, for the person who typed it.

    `plain_text` is the same search in plain words, when that is what the text needed.
    """

    def __init__(self, message: str, *, plain_text: str | None = None):
        super().__init__(message)
        self.plain_text = plain_text


@dataclass(frozen=True)
class Term:
    """One word of the query.

    `folded` is what matches; `marked` is the word as typed when it carries marks
    (so exact matches rank first); `alternatives` are the other folded phrases that
    also match it (synonyms, corrections of a typo).
    """

    folded: tuple[str, ...]
    marked: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()
    prefix: bool = False
    # True when `folded` is a word no listing holds and `alternatives` are its corrections.
    corrected: bool = False

    @property
    def phrases(self) -> tuple[tuple[str, ...], ...]:
        return (self.folded, *self.alternatives)


@dataclass
class SearchQuery:
    text: str = ""
    category: str | None = None
    province: str | None = None
    stars_min: int | None = None
    certification: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    kind: str | None = None
    in_stock: bool | None = None
    facets: tuple[str, ...] = FACETS
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    # Filled by clean(): the current province code and the words of the text.
    province_code: str | None = field(default=None, init=False)
    terms: tuple[Term, ...] = field(default=(), init=False)

    def clean(self) -> "SearchQuery":
        """A checked copy, with the province resolved and the text split into terms."""
        cleaned = replace(self)
        cleaned.text = clean_text(self.text)
        cleaned.terms = text_terms(cleaned.text)
        cleaned.sort = _choice(self.sort, SORTS, _("sort"))
        cleaned.page = _whole(self.page, _("page"), minimum=1, maximum=MAX_PAGE)
        cleaned.page_size = _whole(self.page_size, _("page size"), minimum=1, maximum=MAX_PAGE_SIZE)
        cleaned.price_min = _optional_whole(self.price_min, _("minimum price"), maximum=MAX_PRICE)
        cleaned.price_max = _optional_whole(self.price_max, _("maximum price"), maximum=MAX_PRICE)
        if cleaned.price_min is not None and cleaned.price_max is not None:
            if cleaned.price_min > cleaned.price_max:
                raise SearchQueryError(_("The minimum price is above the maximum price."))
        cleaned.stars_min = _optional_whole(self.stars_min, _("minimum stars"), maximum=5)
        cleaned.kind = _optional_choice(self.kind, KINDS, _("cooperative kind"))
        cleaned.certification = _optional_choice(self.certification, CERTIFICATIONS, _("certification"))
        if self.in_stock is not None and not isinstance(self.in_stock, bool):
            raise SearchQueryError(_("“in stock” is yes or no."))
        cleaned.category = self.category or None
        if cleaned.category is not None:
            if not isinstance(cleaned.category, str) or not _SLUG.match(cleaned.category):
                raise SearchQueryError(_("Unknown category."))
        cleaned.province_code = _province_code(self.province)
        facets = () if self.facets is None else self.facets
        if not isinstance(facets, list | tuple | set | frozenset):
            raise SearchQueryError(_("Facets are a list of names."))
        cleaned.facets = tuple(_choice(name, FACETS, _("facet")) for name in facets)
        return cleaned

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class FacetCount:
    value: str
    label: str
    count: int


@dataclass
class Hit:
    product_id: int
    sku: str
    name: str
    name_en: str
    url: str
    category: str
    price_vnd: int
    unit: str
    ocop_stars: int | None
    in_stock: bool
    cooperative_tax_code: str
    cooperative_name: str
    province_code: str
    province_name: str
    description: str = ""
    # HTML: the name with the matched words in <mark>, everything else escaped.
    highlight: str = ""
    # HTML: a few words of the description around the first match, escaped and marked.
    snippet: str = ""
    score: float = 0.0


@dataclass
class CooperativeHit:
    """A cooperative whose name the words match, shown beside the listings (never as one)."""

    key: int
    name: str
    url: str
    province_code: str
    province_name: str


@dataclass
class Counted:
    """What an engine counted for a query: the total and, per facet asked for, value → count
    under every other active filter.

    Past a threshold (settings.SEARCH_EXACT_COUNT_LIMIT) an engine may stop counting, as
    Elasticsearch's track_total_hits does: the total is then a lower bound (`total_exact`
    false: "10.000+") and the facet counts are estimates (`facets_exact` false: "≈ 1.200").
    """

    total: int
    facets: dict[str, dict[str, int]]
    total_exact: bool = True
    facets_exact: bool = True


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetCount]]
    suggestion: str | None
    engine: str
    took_ms: float
    # Cooperatives whose names hold the words (first page only): their listings match only
    # through their own words, so a cooperative is found here rather than through its products.
    cooperatives: list[CooperativeHit] = field(default_factory=list)
    # False when `total` is a lower bound: at least that many listings match.
    total_exact: bool = True
    # False when the facet counts are estimates.
    facets_exact: bool = True


@dataclass
class Suggestion:
    text: str
    url: str
    # "product" (a listing) or "cooperative" (catalog/search/cooperatives.py).
    kind: str = "product"


@dataclass
class EntryQuery:
    """A search of the entries of one kind (catalog.search.entries): text, the category (its
    subcategories included), the province, and a least quantity. Best match first; without text,
    newest first."""

    kind: str
    text: str = ""
    category: str | None = None
    province: str | None = None
    quantity_min: int | None = None
    page: int = 1
    page_size: int = 20
    # False when only the best few are wanted (the cooperatives a search names): the total is
    # then not counted, and is only the hits up to this page.
    count: bool = True
    province_code: str | None = field(default=None, init=False)
    terms: tuple[Term, ...] = field(default=(), init=False)

    def clean(self) -> "EntryQuery":
        cleaned = replace(self)
        if not isinstance(self.kind, str) or not _KIND.match(self.kind):
            raise SearchQueryError(_("Unknown kind of search entry."))
        cleaned.text = clean_text(self.text)
        cleaned.terms = text_terms(cleaned.text)
        cleaned.page = _whole(self.page, _("page"), minimum=1, maximum=MAX_PAGE)
        cleaned.page_size = _whole(self.page_size, _("page size"), minimum=1, maximum=MAX_ENTRY_PAGE_SIZE)
        cleaned.quantity_min = _optional_whole(self.quantity_min, _("minimum quantity"), maximum=MAX_PRICE)
        cleaned.category = self.category or None
        if cleaned.category is not None:
            if not isinstance(cleaned.category, str) or not _SLUG.match(cleaned.category):
                raise SearchQueryError(_("Unknown category."))
        cleaned.province_code = _province_code(self.province)
        return cleaned

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class EntryHit:
    kind: str
    key: int
    title: str
    score: float = 0.0
    url: str = ""
    province_code: str = ""


@dataclass
class EntryResult:
    hits: list[EntryHit]
    total: int
    page: int
    page_size: int
    engine: str
    took_ms: float


# --- checking ------------------------------------------------------------------------------------


def clean_text(text) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise SearchQueryError(_("The search text must be text."))
    if len(text) > MAX_TEXT_LENGTH:
        raise SearchQueryError(
            _("The search text is too long (at most %(n)s characters).") % {"n": MAX_TEXT_LENGTH}
        )
    for character in text:
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and character not in "\t\n\r"):
            raise SearchQueryError(_("The search text contains control characters."))
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if _OPERATORS.search(text):
        plain = " ".join(_OPERATORS.sub(" ", text).split())
        message = _(
            "Search operators (double quotes, *, NEAR, and AND, OR, NOT in capitals) are not "
            "supported: type the words you are looking for."
        )
        if plain:
            message += " " + _("Try: %(text)s") % {"text": plain}
        raise SearchQueryError(message, plain_text=plain)
    return text


def _whole(value, label: str, *, minimum: int = 0, maximum: int) -> int:
    if isinstance(value, bool):
        raise SearchQueryError(_("The %(label)s must be a whole number.") % {"label": label})
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise SearchQueryError(_("The %(label)s must be a whole number.") % {"label": label})
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise SearchQueryError(_("The %(label)s must be a whole number.") % {"label": label})
    if not minimum <= value <= maximum:
        raise SearchQueryError(
            _("The %(label)s must be between %(min)s and %(max)s.")
            % {"label": label, "min": minimum, "max": maximum}
        )
    return value


def _optional_whole(value, label: str, *, maximum: int) -> int | None:
    return None if value is None or value == "" else _whole(value, label, maximum=maximum)


def _choice(value, choices: tuple[str, ...], label: str) -> str:
    if value not in choices:
        raise SearchQueryError(
            _("Unknown %(label)s; use one of: %(choices)s.") % {"label": label, "choices": ", ".join(choices)}
        )
    return value


def _optional_choice(value, choices: tuple[str, ...], label: str) -> str | None:
    return None if value is None or value == "" else _choice(value, choices, label)


def _province_code(value) -> str | None:
    from catalog.places import UnknownProvince, province_code_for

    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > 100:
        raise SearchQueryError(_("Unknown province."))
    try:
        clean_text(str(value))
        return province_code_for(value)
    except UnknownProvince as error:
        raise SearchQueryError(str(error)) from None


# --- words ---------------------------------------------------------------------------------------


def text_terms(text: str, *, prefix_last: bool = False) -> tuple[Term, ...]:
    """The words of `text` as terms: folded for matching, marked when typed with marks."""
    terms: list[Term] = []
    for word in _WORD.findall(text.lower()):
        folded = fold_word(word).split()
        if not folded:
            continue
        terms.extend(Term(folded=(part,)) for part in folded[:-1])
        terms.append(Term(folded=(folded[-1],), marked=(word,) if is_marked_word(word) else ()))
    terms = terms[:MAX_TERMS]
    if prefix_last and terms and not text[-1:].isspace():
        terms[-1] = replace(terms[-1], prefix=True)
    return tuple(terms)


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """fold() of one word, remembered: a catalogue repeats the same few thousand words."""
    return fold(word)


def is_marked_word(word: str) -> bool:
    """A Vietnamese word with marks: letters only, each folding to one ASCII letter."""
    if word.isascii() or not word.isalpha():
        return False
    folded = fold_word(word)
    return len(folded) == len(word) and folded.isalpha()


def index_text(text: str) -> tuple[str, str]:
    """(folded, marked) forms of `text` for the index: every word folded, and the words with marks."""
    folded, marked = [], []
    for word in _WORD.findall(unicodedata.normalize("NFC", text or "").lower()):
        word_folded, word_marked = _word_forms(word)
        if word_folded:
            folded.append(word_folded)
        if word_marked:
            marked.append(word)
    return " ".join(folded), " ".join(marked)


@lru_cache(maxsize=200_000)
def _word_forms(word: str) -> tuple[str, bool]:
    return fold_word(word), is_marked_word(word)


def folded_text(text: str) -> str:
    return index_text(text)[0]


def english_stems(text: str) -> str:
    """The stems of the words of English `text` that differ from the words themselves, for the
    index: "Dried mangoes" → "dri mango". Matched by a query word's stem (`with_stems`)."""
    stems: dict[str, None] = {}
    for word in _WORD.findall(unicodedata.normalize("NFC", text or "").lower()):
        for part in fold_word(word).split():
            stemmed = stem(part)
            if stemmed != part:
                stems.setdefault(stemmed)
    return " ".join(stems)


def with_stems(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """Each term typed without marks also matches its English stem ("honeys" → honey, "dried" →
    dri), as an alternative phrase. A word typed with marks is Vietnamese and the word being typed
    is unfinished: neither is stemmed. Vietnamese syllables typed without marks are their own
    stems (catalog/search/english.py), so this adds nothing to them; and since only English fields
    have stems in the index, a stem can only ever meet an English word's."""
    stemmed_terms = []
    for term in terms:
        if term.marked or term.prefix:
            stemmed_terms.append(term)
            continue
        phrases = list(term.phrases)
        for phrase in term.phrases:
            stemmed = tuple(stem(word) for word in phrase)
            if stemmed not in phrases:
                phrases.append(stemmed)
        stemmed_terms.append(replace(term, alternatives=tuple(phrases[1:])))
    return tuple(stemmed_terms)


@lru_cache(maxsize=10_000)
def _folded_words(phrase: str) -> tuple[str, ...]:
    return tuple(folded_text(phrase).split())


def without_phrase(text: str, phrase: str) -> str:
    """The words of `text` (lowercased) without every run of them that folds to `phrase`:
    ("Sản phẩm của HTX Mật ong Ba Vì", "HTX Mật ong Ba Vì") → "sản phẩm của", and the
    unmarked "Made by HTX Mat ong Ba Vi" loses it too."""
    words = _WORD.findall(unicodedata.normalize("NFC", text or "").lower())
    target = _folded_words(phrase)
    if not target:
        return " ".join(words)
    folded = [fold_word(word) for word in words]
    kept, position = [], 0
    while position < len(words):
        if tuple(folded[position : position + len(target)]) == target:
            position += len(target)
        else:
            kept.append(words[position])
            position += 1
    return " ".join(kept)
