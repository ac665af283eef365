"""How the service reads what was typed: words, marks, synonyms (engine-independent)."""

import pytest

from catalog.search import _with_synonyms
from catalog.search.highlight import highlight
from catalog.search.query import index_text, text_terms


def test_words_are_folded_and_keep_their_marks():
    terms = text_terms("Nước mắm ST25")
    assert [t.folded for t in terms] == [("nuoc",), ("mam",), ("st25",)]
    assert [t.marked for t in terms] == [("nước",), ("mắm",), ()]


def test_engine_syntax_leaves_only_words():
    terms = text_terms('"nuoc" AND (mam*) NEAR(x, 2) col:val')
    assert [t.folded[0] for t in terms] == ["nuoc", "and", "mam", "near", "x", "2", "col", "val"]


def test_only_the_last_word_is_a_prefix_and_only_while_typing():
    assert [t.prefix for t in text_terms("nuoc m", prefix_last=True)] == [False, True]
    assert [t.prefix for t in text_terms("nuoc m ", prefix_last=True)] == [False, False]


def test_the_index_holds_folded_words_and_the_marked_ones():
    assert index_text("Đồng Văn, <b>mật ong</b> 500ml") == ("dong van b mat ong b 500ml", "đồng văn mật")


@pytest.mark.django_db
def test_synonyms_join_the_words_of_a_phrase():
    (term,) = _with_synonyms(text_terms("ca phe"))
    assert term.folded == ("ca", "phe")
    assert ("cafe",) in term.alternatives
    assert ("coffee",) in term.alternatives


@pytest.mark.django_db
def test_a_word_typed_with_other_marks_is_not_a_synonym():
    (che_tea,) = _with_synonyms(text_terms("chè"))
    (che_make,) = _with_synonyms(text_terms("chế"))
    (che_either,) = _with_synonyms(text_terms("che"))
    assert ("tea",) in che_tea.alternatives
    assert che_make.alternatives == ()
    assert ("tea",) in che_either.alternatives


def test_highlight_marks_folded_matches_and_escapes_the_rest():
    assert (
        highlight("Nước mắm <ngon>", text_terms("nuoc mam"))
        == "<mark>Nước</mark> <mark>mắm</mark> &lt;ngon&gt;"
    )
