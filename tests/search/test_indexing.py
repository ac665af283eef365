"""The index follows the catalogue after each commit, never breaks a save, and can be rebuilt."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from catalog import search, services
from catalog.models import Category, CooperativePage, SearchDocument, SearchEntry, SearchSynonym
from catalog.search import SearchQuery, tasks
from tests import factories

pytestmark = pytest.mark.django_db


def found(text: str = "", **filters) -> list[str]:
    return [hit.sku for hit in search.search(SearchQuery(text=text, **filters)).hits]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queued for after commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class Recorder:
    """Stands in for the task (django-tasks tasks are frozen, so enqueue cannot be patched)."""

    def __init__(self, enqueue):
        self.enqueue = enqueue


def test_a_published_listing_is_indexed_after_the_commit_not_before(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn")
        assert not SearchDocument.objects.filter(product=product).exists()

    assert found("buoi dien") == [product.sku]


def test_a_new_listing_is_found_with_a_typo_before_any_rebuild(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn")

    assert found("buoii dien") == [product.sku]


def test_unpublishing_and_deleting_remove_a_listing(committed):
    with committed():
        kept = factories.product(name="Bưởi Diễn loại một")
        unpublished = factories.product(name="Bưởi Diễn loại hai")
        deleted = factories.product(name="Bưởi Diễn loại ba")
    with committed():
        unpublished.unpublish()
        deleted.delete()

    assert found("buoi dien") == [kept.sku]


def test_an_edit_is_found_once_published(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn")
    data = factories.product_data(sku=product.sku, name="Bưởi da xanh")
    with committed():
        services.product_update(product=product, data=data, publish=True)

    assert found("buoi da xanh") == [product.sku]
    assert found("dien") == []


def test_stock_and_certificates_update_the_listing_without_a_revision(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn", stock=10)
    with committed():
        services.product_set_stock(product=product, stock=0)
        services.ocop_certificate_record(product=product, data=factories.ocop(stars=4))

    assert found("buoi", in_stock=True) == []
    assert found("buoi", stars_min=4) == [product.sku]


def test_a_cooperative_losing_its_verification_takes_its_listings_along(committed):
    with committed():
        cooperative = factories.cooperative(name="HTX Bưởi Diễn")
        product = factories.product(cooperative=cooperative, name="Bưởi Diễn")
    with committed():
        cooperative.verification = CooperativePage.Verification.SUSPENDED
        cooperative.save_revision().publish()
    assert found("buoi") == []

    with committed():
        cooperative.verification = CooperativePage.Verification.VERIFIED
        cooperative.save_revision().publish()
    assert found("buoi") == [product.sku]


def cooperatives_found(text: str, **filters) -> list[str]:
    return [c.name for c in search.search(SearchQuery(text=text, **filters)).cooperatives]


def test_a_renamed_cooperative_is_found_by_its_new_name_and_its_products_by_theirs(committed):
    with committed():
        cooperative = factories.cooperative(name="HTX Phú Diễn")
        product = factories.product(cooperative=cooperative, name="Bưởi")
    assert cooperatives_found("phu dien") == ["HTX Phú Diễn"]
    data = services.CooperativeData(
        tax_code=cooperative.tax_code, name="HTX Xuân Đỉnh", kind="htx", province=cooperative.province
    )
    with committed():
        services.cooperative_upsert(data=data)

    assert cooperatives_found("xuan dinh") == ["HTX Xuân Đỉnh"]
    assert cooperatives_found("phu dien") == []
    # The product is found by its own words, never by its cooperative's name, old or new.
    assert found("xuan dinh") == []
    assert found("buoi") == [product.sku]


def test_a_cooperative_is_found_while_the_public_sees_it(committed):
    with committed():
        cooperative = factories.cooperative(name="HTX Mật ong Ba Vì")
        factories.cooperative(name="HTX Mật ong chưa xác minh", verified=False)
    assert cooperatives_found("mat ong") == ["HTX Mật ong Ba Vì"]

    with committed():
        cooperative.verification = CooperativePage.Verification.SUSPENDED
        cooperative.save_revision().publish()
    assert cooperatives_found("mat ong") == []

    with committed():
        cooperative.verification = CooperativePage.Verification.VERIFIED
        cooperative.save_revision().publish()
    assert cooperatives_found("mat ong") == ["HTX Mật ong Ba Vì"]

    with committed():
        cooperative.unpublish()
    assert cooperatives_found("mat ong") == []
    assert not SearchEntry.objects.filter(kind="cooperative", key=cooperative.pk).exists()


def test_a_deleted_cooperative_leaves_the_index(committed):
    with committed():
        cooperative = factories.cooperative(name="HTX Mật ong Ba Vì")
    assert SearchEntry.objects.filter(kind="cooperative", key=cooperative.pk).exists()

    with committed():
        cooperative.delete()

    assert not SearchEntry.objects.filter(kind="cooperative", key=cooperative.pk).exists()
    assert cooperatives_found("mat ong") == []


def test_rebuild_indexes_the_cooperatives(committed):
    with committed():
        factories.cooperative(name="HTX Mật ong Ba Vì")
        factories.cooperative(name="HTX Chè Tân Cương")
    SearchEntry.objects.filter(kind="cooperative").delete()
    assert cooperatives_found("mat ong") == []

    counts = search.rebuild()

    assert counts["entries"] == 2
    assert cooperatives_found("mat ong") == ["HTX Mật ong Ba Vì"]


def test_one_transaction_sends_one_task(committed, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "reindex_products", Recorder(enqueue=lambda **kwargs: sent.append(kwargs)))
    with committed():
        cooperative = factories.cooperative()
        products = [factories.product(cooperative=cooperative) for _ in range(3)]

    assert len(sent) == 1
    assert set(sent[0]["product_ids"]) >= {p.pk for p in products}


def test_a_failing_index_never_breaks_a_save(committed, monkeypatch, caplog):
    with committed():
        product = factories.product(name="Bưởi Diễn", stock=10)

    def broken(product_ids):
        raise RuntimeError("index is down")

    monkeypatch.setattr(search, "index_products", broken)
    with caplog.at_level(logging.ERROR), committed():
        services.product_set_stock(product=product, stock=3)

    assert product.inventory.stock == 3
    assert "Could not reindex products" in caplog.text


def test_a_failure_to_queue_is_logged_not_raised(committed, monkeypatch, caplog):
    def refuse(**kwargs):
        raise ConnectionError("no task database")

    monkeypatch.setattr(tasks, "reindex_products", Recorder(enqueue=refuse))
    with caplog.at_level(logging.ERROR), committed():
        factories.product(name="Bưởi Diễn")

    assert "Could not queue the reindexing" in caplog.text


def test_rebuild_restores_the_index_and_reports_counts(committed):
    with committed():
        products = [factories.product(name=f"Bưởi Diễn {n}") for n in range(3)]
        factories.product(name="Bưởi nháp", publish=False)
    SearchDocument.objects.filter(product=products[0]).delete()
    assert len(found("buoi")) == 2

    out = io.StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)

    assert len(found("buoi")) == 3
    assert "3 of 3 published listings indexed (was 2)" in out.getvalue()


def test_remove_products_drops_a_listing_until_it_is_indexed_again(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn")

    search.remove_products([product.pk])
    assert found("buoi") == []

    search.index_products([product.pk])
    assert found("buoi") == [product.sku]


def test_a_synonym_needs_two_terms():
    with pytest.raises(ValidationError):
        SearchSynonym(terms="cafe").full_clean()
    SearchSynonym(terms="cafe, cà phê").full_clean()


def test_a_renamed_category_is_searchable_by_its_new_name(committed):
    with committed():
        product = factories.product(name="Bưởi Diễn", category="food-fruit")
    group = Category.objects.get(slug="food")
    group.name = "Đặc sản vùng miền"
    with committed():
        group.save()

    assert found("dac san vung mien") == [product.sku]


# --- the database engine's plans for broad matches ----------------------------------------------


@pytest.fixture
def broad_catalogue(committed):
    """Listings that all say "đặc sản" somewhere; only some say it in their name."""
    with committed():
        in_name = factories.product(name="Đặc sản mắm tôm", price_vnd=90_000)
        in_body = [
            factories.product(name=f"Mắm tép {n}", description="<p>Đặc sản của vùng biển.</p>", price_vnd=n)
            for n in (10_000, 20_000)
        ]
    return in_name, in_body


@pytest.mark.parametrize("sort", ["relevance", "price_asc"])
def test_a_match_too_broad_for_bm25_still_finds_the_same_and_puts_names_first(
    broad_catalogue, monkeypatch, sort
):
    from catalog.search import database

    ranked = search.search(SearchQuery(text="dac san", sort=sort))
    monkeypatch.setattr(database, "RANKED_MATCHES", 0)
    monkeypatch.setattr(database, "SCAN_MATCHES", 0)
    broad = search.search(SearchQuery(text="dac san", sort=sort))

    assert [hit.sku for hit in broad.hits] == [hit.sku for hit in ranked.hits]
    assert broad.total == ranked.total == 3
    assert broad.facets == ranked.facets
    in_name, _in_body = broad_catalogue
    if sort == "relevance":
        assert broad.hits[0].sku == in_name.sku


def test_a_cooperative_put_in_a_private_section_leaves_at_the_next_rebuild(committed):
    from wagtail.models import PageViewRestriction

    with committed():
        cooperative = factories.cooperative(name="HTX Mật ong Ba Vì")
        factories.cooperative(name="HTX Mật ong Lục Nam")
    # A view restriction sends no signal: as for listings, the rebuild brings the index in line.
    PageViewRestriction.objects.create(page=cooperative, restriction_type=PageViewRestriction.LOGIN)
    search.rebuild()

    assert not SearchEntry.objects.filter(kind="cooperative", key=cooperative.pk).exists()
    assert cooperatives_found("mat ong") == ["HTX Mật ong Lục Nam"]


def test_a_cooperatives_entry_holds_its_page_url_and_province(committed):
    with committed():
        cooperative = factories.cooperative(name="HTX Mật ong Ba Vì", province="01")

    (found,) = search.search(SearchQuery(text="mat ong ba vi")).cooperatives
    assert (found.key, found.url) == (cooperative.pk, cooperative.get_url())
    assert (found.province_code, found.province_name) == ("01", "Hà Nội")


def test_a_committed_rebuild_is_vacuumed_on_postgresql(django_db_serialized_rollback, transactional_db):
    """On PostgreSQL the new table is vacuumed once committed (its pages marked all-visible, for
    index-only scans); SQLite needs nothing (tests/search/test_rebuild_postgres.py has the rest)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.product()
    search.rebuild()
    with CaptureQueriesContext(connection) as queries:
        assert search.rebuild()["indexed"] == 1
    vacuums = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("VACUUM")]
    assert vacuums == (["VACUUM catalog_searchdocument"] if connection.vendor == "postgresql" else [])
    assert [hit.sku for hit in search.search(search.SearchQuery(text="")).hits]  # still found


@pytest.mark.django_db
def test_a_rebuild_writes_the_counting_sample_first_then_the_listings_with_stars():
    from catalog.search import _written_order
    from catalog.search.database import in_sample

    cooperative = factories.cooperative()
    starred = factories.product(cooperative=cooperative, ocop=factories.ocop(stars=4))
    expired = factories.product(
        cooperative=cooperative,
        ocop=factories.ocop(
            stars=5, issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2023, 1, 1)
        ),
    )
    plain = factories.product(cooperative=cooperative)
    # Ids in the sample are one in sixty-four, spread evenly: the first few hundred hold some.
    sampled = [i for i in range(1, 400) if in_sample(i)]
    assert sampled
    ids = sorted({*sampled[:3], starred.pk, expired.pk, plain.pk, *range(1, 20)})
    order = _written_order(ids)
    assert sorted(order) == ids  # every id, once
    sample_first = [i for i in order if in_sample(i)]
    assert set(order[: len(sample_first)]) == set(sample_first)
    rest = order[len(sample_first) :]
    if not in_sample(starred.pk):
        # Among the others the listing with valid stars comes first; expired stars count for nothing.
        assert rest[0] == starred.pk
        assert set(rest[1:]) == set(ids) - set(sample_first) - {starred.pk}


@pytest.mark.django_db
def test_a_rebuild_writes_listings_of_one_category_province_and_name_side_by_side():
    """So the listings a word finds fill few pages of the table (PostgreSQL reads whole pages)."""
    from catalog.search import _written_order
    from catalog.search.database import in_sample
    from catalog.search.documents import documents_for, public_product_ids

    hanoi, hue = factories.cooperative(province="01"), factories.cooperative(province="46")
    made = [
        factories.product(cooperative=cooperative, category=category, name=name)
        for cooperative, category, name in [
            (hanoi, "food-tea-coffee", "Trà xanh"),
            (hanoi, "textiles", "Khăn lụa"),
            (hue, "food-tea-coffee", "Trà sen"),
            (hanoi, "food-tea-coffee", "Trà sen"),
            (hanoi, "textiles", "Gối lụa"),
            (hue, "food-tea-coffee", "Trà sen"),
            (hanoi, "food-tea-coffee", "Trà sen"),
        ]
    ]
    tea, silk, hue_tea, hanoi_lotus, dress, hue_tea_2, hanoi_lotus_2 = (p.pk for p in made)
    # Each category together, each province within it, names in order, then ids.
    teas, textiles = [hanoi_lotus, hanoi_lotus_2, tea, hue_tea, hue_tea_2], [dress, silk]
    side_by_side = public_product_ids(side_by_side=True)
    assert side_by_side in (teas + textiles, textiles + teas)
    assert public_product_ids() == sorted(side_by_side)
    # A rebuild keeps that order after the sample (one id in sixty-four) and the starred (none here)...
    order = _written_order(side_by_side, side_by_side=True)
    assert [i for i in order if not in_sample(i)] == [i for i in side_by_side if not in_sample(i)]
    # ...where its tables are read a page at a time: SQLite's keep the order of the ids, whatever
    # the order written, and FTS5 writes out its pending words whenever an id is not above the last.
    assert search.DatabaseEngine().writes_side_by_side is (connection.vendor == "postgresql")
    by_id = _written_order(side_by_side, side_by_side=False)
    assert [i for i in by_id if not in_sample(i)] == [i for i in sorted(side_by_side) if not in_sample(i)]
    # And the documents come in that order.
    assert [d.product_id for d in documents_for(order)] == order
