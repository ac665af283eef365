"""English stemming (catalog/search/english.py): inflections share a stem, Vietnamese never changes,
and what a listing's document holds for it (its English stems; not its cooperative's name)."""

import pytest

from catalog.models import Category, FormerProvince, Province, SearchDocument, Ward
from catalog.search.english import stem
from catalog.search.query import Term, english_stems, fold_word, text_terms, with_stems, without_phrase
from demo.data.products import TEMPLATES
from tests import factories


@pytest.mark.parametrize(
    "words",
    [
        ("honey", "honeys"),
        ("tea", "teas"),
        ("dry", "dried", "drying", "dries"),
        ("mango", "mangoes", "mangos"),
        ("berry", "berries"),
        ("smoke", "smoked", "smoking", "smokes"),
        ("pickle", "pickled", "pickles", "pickling"),
        ("roast", "roasted", "roasting"),
        ("box", "boxes"),
        ("peach", "peaches"),
        ("noodle", "noodles"),
        ("sauce", "sauces"),
        ("coffee", "coffees"),
        ("bean", "beans"),
        ("hop", "hopping"),
        ("die", "dying"),
    ],
)
def test_inflections_share_one_stem(words):
    assert len({stem(word) for word in words}) == 1, {word: stem(word) for word in words}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # Porter2's own examples of steps 1a to 1c.
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("ties", "tie"),
        ("cats", "cat"),
        ("gas", "gas"),
        ("this", "this"),
        ("kiwis", "kiwi"),
        ("agreed", "agre"),
        ("feed", "feed"),
        ("bled", "bled"),
        ("sing", "sing"),
        ("hoping", "hope"),
        ("added", "add"),
        ("inning", "inning"),
        ("proceed", "proceed"),
        ("cry", "cri"),
        ("say", "say"),
        ("by", "by"),
        ("skies", "sky"),
        ("news", "news"),
    ],
)
def test_porter2_examples(word, expected):
    assert stem(word) == expected


def test_derivations_are_left_apart():
    # Porter2's steps 2 to 4 would make all of these "organ", "natur", "tradit".
    assert len({stem(w) for w in ("organ", "organic", "organization")}) == 3
    assert stem("natural") != stem("nature")
    assert stem("traditional") == "traditional"


@pytest.mark.parametrize(
    "word", ["mắm", "bưởi", "nước", "Đồng", "cà", "café", "x", "ab", "40", "b2b", "Honeys"]
)
def test_words_that_are_not_lowercase_english_letters_are_their_own_stem(word):
    assert stem(word) == word


def _syllables(*texts: str) -> set[str]:
    return {part for text in texts for word in text.lower().split() for part in fold_word(word).split()}


INITIALS = "b c ch d g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x".split()
RIMES = """a ac ach ai am an ang anh ao ap at au ay e ec em en eng eo ep et eu i ia ich iec iem ien
ieng iep iet ieu im in inh ip it iu o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen
oeo oet oi om on ong ooc oong op ot u ua uan uang uanh uat uay uc ue uech uen uenh ueu ui um un ung
uo uoc uoi uom uon uong uop uot up ut uu uy uya uych uyen uyet uynh uyt uyu y yem yen yet yeu""".split()


@pytest.mark.django_db
def test_no_vietnamese_syllable_is_stemmed():
    """Every syllable of the 34 provinces, the 63 former ones, the communes and wards, the
    categories and the demo catalogue's names, folded as search folds them, is its own stem; and
    so is every initial with every rime (folded). The exceptions are a final y after two
    consonants, which Vietnamese spelling writes i ("thi", "nghi"): "thy", a spelling of the name
    Thi, and "Kly" of the commune Ea Kly end in i. Only English fields are stemmed in the
    index, so such a query word's stem can only ever meet an English word's."""
    names = [
        *Province.objects.values_list("name", flat=True),
        *FormerProvince.objects.values_list("name", flat=True),
        *Ward.objects.values_list("name", flat=True),
        *Category.objects.values_list("name", flat=True),
        *(template.name for template in TEMPLATES.values()),
        "mắm bưởi tây cây cải thủy quý kỳ lý mỹ sỹ ngày mây khoe nghe tre khuya nguyễn",
    ]
    places = _syllables(*names)
    grid = {initial + rime for initial in ["", *INITIALS] for rime in RIMES}
    assert len(places) > 700
    assert {syllable: stem(syllable) for syllable in places if stem(syllable) != syllable} == {"kly": "kli"}
    changed = {syllable: stem(syllable) for syllable in grid if stem(syllable) != syllable}
    assert changed == {
        f"{initial}y": f"{initial}i" for initial in ("ch", "gh", "kh", "ng", "ngh", "nh", "ph", "th", "tr")
    }


def test_the_stems_indexed_are_those_that_differ():
    assert english_stems("Dried mangoes and honey") == "dri mango"
    assert english_stems("Nước mắm Phú Quốc") == ""
    assert english_stems("") == ""


def test_a_query_word_without_marks_also_matches_its_stem():
    (dried, mam, prefix) = with_stems(text_terms("dried mắm hone", prefix_last=True))

    assert dried.phrases == (("dried",), ("dri",))
    # Typed with marks, it is Vietnamese; being typed, it is unfinished: neither is stemmed.
    assert mam.phrases == (("mam",),)
    assert prefix.phrases == (("hone",),)


def test_stems_come_after_synonyms_and_corrections():
    term = Term(folded=("honeyz",), alternatives=(("honey",), ("hones",)), corrected=True)

    (stemmed,) = with_stems((term,))

    assert stemmed.alternatives[:2] == (("honey",), ("hones",))
    assert ("hone",) in stemmed.alternatives
    assert stemmed.corrected


def test_without_phrase_drops_every_repetition_marked_or_not():
    text = "Sản phẩm của HTX Mật ong Đồng Văn. Made by HTX Mat ong Dong Van, Hà Giang."

    assert without_phrase(text, "HTX Mật ong Đồng Văn") == "sản phẩm của made by hà giang"
    assert without_phrase("Mật ong rừng", "HTX Mật ong Đồng Văn") == "mật ong rừng"


@pytest.mark.django_db
def test_a_listings_document_holds_its_english_stems_and_not_its_cooperatives_name(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        cooperative = factories.cooperative(name="HTX Mật ong Đồng Văn")
        product = factories.product(
            cooperative=cooperative,
            name="Xoài sấy dẻo",
            name_en="Dried mangoes",
            category="food-fruit",
            description="<p>Sản phẩm của HTX Mật ong Đồng Văn.</p>",
            description_en="<p>Made by HTX Mat ong Dong Van from ripe mangoes.</p>",
        )
    document = SearchDocument.objects.get(product=product)

    assert document.name_folded == "xoai say deo dried mangoes dri mango"
    for word in ("htx", "mat", "ong", "dong", "van"):
        assert word not in document.body_folded.split(), word
    assert "mật" not in document.body_marked.split()
    assert document.body_folded.split()[-1] == "mango"  # the stem of the description's "mangoes"
    # What the listing shows is unchanged.
    assert document.cooperative_name == "HTX Mật ong Đồng Văn"
    assert "HTX Mật ong Đồng Văn" in document.description
