"""The Elasticsearch engine through the real client, against a local HTTP stub on 127.0.0.1.

The stub answers as Elasticsearch 9 does (the X-Elastic-Product header the 9.x
client checks, the compatible-with=9 media type, the documented JSON shapes), so
the client's requests, its serialization and our response parsing all run. It
keeps just enough state (indices, aliases, documents) to check a rebuild swaps
the alias and restores the count. What it cannot check is how a real cluster
analyses and ranks: that is the conformance suite's job with ELASTICSEARCH_URL set.
"""

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog import search
from catalog.search import EntryQuery, SearchQuery
from catalog.search.database import DatabaseEngine
from catalog.search.documents import public_product_ids
from catalog.search.elasticsearch import ElasticsearchEngine
from marketplace.services.rfqs import rfq_cancel
from tests import factories
from tests.factories import rfqs

RESPONSES = Path(__file__).parent / "fixtures" / "elasticsearch" / "responses"
ALIAS = "catalog-products"
ENTRIES = f"{ALIAS}-entries"

pytestmark = pytest.mark.django_db


class StubCluster:
    """What the stub knows: indices with their documents, aliases, and every request it got."""

    def __init__(self):
        self.indices: dict[str, dict[str, dict]] = {}
        self.aliases: dict[str, str] = {}
        self.requests: list[tuple[str, str, object]] = []
        self.search_status = 200

    def resolve(self, name: str) -> str:
        return self.aliases.get(name, name)

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, object]:
        parsed = _parse(body)
        self.requests.append((method, path, parsed))
        route = path.split("?")[0]
        if route.endswith("/_search"):
            if self.search_status != 200:
                return self.search_status, _error("unavailable_shards_exception", self.search_status)
            if route == f"/{ENTRIES}/_search":
                if {"term": {"kind": "cooperative"}} in parsed["query"]["bool"]["filter"]:
                    return self._entries_of_kind(
                        "cooperative", size=parsed["size"], total=parsed["track_total_hits"]
                    )
                answer = "entries.json"
            else:
                answer = "search.json" if "aggs" in parsed else "suggest.json"
            return 200, json.loads((RESPONSES / answer).read_text(encoding="utf-8"))
        if route == "/_bulk":
            # A bulk of one delete is a single line, which _parse reads as one object.
            lines = parsed if isinstance(parsed, list) else [parsed]
            return 200, self._bulk(lines, require_alias="require_alias=true" in path)
        if route == "/_aliases":
            for action in parsed["actions"]:
                ((kind, target),) = action.items()
                if kind == "add":
                    self.aliases[target["alias"]] = target["index"]
            return 200, {"acknowledged": True, "errors": False}
        if match := re.fullmatch(r"/_alias/([^/]+)", route):
            aliased = [index for alias, index in self.aliases.items() if alias == match[1]]
            if not aliased:
                return 404, {"error": f"alias [{match[1]}] missing", "status": 404}
            return 200, {index: {"aliases": {match[1]: {}}} for index in aliased}
        if match := re.fullmatch(r"/([^/_][^/]*)/_count", route):
            index = self.resolve(match[1])
            if index not in self.indices:
                return 404, _error("index_not_found_exception", 404)
            return 200, {"count": len(self.indices[index]), "_shards": _shards()}
        if re.fullmatch(r"/[^/_][^/]*/_settings", route):
            return 200, {"acknowledged": True}
        if re.fullmatch(r"/[^/_][^/]*/_refresh", route):
            return 200, {"_shards": _shards()}
        if match := re.fullmatch(r"/([^/_][^/]*)", route):
            if method == "PUT":
                self.indices[match[1]] = {}
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": match[1]}
            if method == "DELETE":
                for name in match[1].split(","):
                    self.indices.pop(name, None)
                return 200, {"acknowledged": True}
        return 400, _error("stub_does_not_know_this_request", 400)

    def _entries_of_kind(self, kind: str, *, size: int, total: bool) -> tuple[int, dict]:
        """The entries of `kind` the entries' index holds, as hits (the stub matches no text);
        without `total` (track_total_hits false), the answer has none, as Elasticsearch's."""
        index = self.resolve(ENTRIES)
        if index not in self.indices:
            return 404, _error("index_not_found_exception", 404)
        found = [doc for doc in self.indices[index].values() if doc["kind"] == kind][:size]
        hits = [
            {
                "_index": index,
                "_id": f"{kind}-{doc['key']}",
                "_score": 1.0,
                "_source": doc,
                "sort": [1.0, None, doc["key"]],
            }
            for doc in found
        ]
        return 200, {
            "took": 1,
            "timed_out": False,
            "_shards": {**_shards(), "skipped": 0},
            "hits": {
                **({"total": {"value": len(found), "relation": "eq"}} if total else {}),
                "max_score": 1.0,
                "hits": hits,
            },
        }

    def _bulk(self, lines: list[dict], *, require_alias: bool) -> dict:
        items = []
        while lines:
            action = lines.pop(0)
            ((op, meta),) = action.items()
            source = lines.pop(0) if op == "index" else None
            if require_alias and meta["_index"] not in self.aliases:
                items.append(
                    {
                        op: {
                            "_index": meta["_index"],
                            "_id": meta["_id"],
                            "status": 404,
                            "error": {"type": "index_not_found_exception", "reason": "no such alias"},
                        }
                    }
                )
                continue
            documents = self.indices.setdefault(self.resolve(meta["_index"]), {})
            if op == "index":
                documents[str(meta["_id"])] = source
                items.append(
                    {
                        op: {
                            "_index": self.resolve(meta["_index"]),
                            "_id": str(meta["_id"]),
                            "_version": 1,
                            "result": "created",
                            "_shards": _shards(),
                            "_seq_no": 0,
                            "_primary_term": 1,
                            "status": 201,
                        }
                    }
                )
            else:
                found = documents.pop(str(meta["_id"]), None)
                items.append(
                    {
                        op: {
                            "_index": self.resolve(meta["_index"]),
                            "_id": str(meta["_id"]),
                            "result": "deleted" if found else "not_found",
                            "status": 200 if found else 404,
                        }
                    }
                )
        errors = any(item[next(iter(item))]["status"] >= 300 for item in items)
        return {"errors": errors, "took": 3, "items": items}


def _parse(body: bytes):
    if not body:
        return None
    text = body.decode("utf-8")
    lines = [line for line in text.split("\n") if line]
    return json.loads(text) if len(lines) == 1 else [json.loads(line) for line in lines]


def _shards() -> dict:
    return {"total": 1, "successful": 1, "failed": 0}


def _error(kind: str, status: int) -> dict:
    return {
        "error": {"root_cause": [{"type": kind, "reason": kind}], "type": kind, "reason": kind},
        "status": status,
    }


@pytest.fixture
def cluster(settings):
    """A stub Elasticsearch 9 on a free port of 127.0.0.1, selected as the search engine."""
    state = StubCluster()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            status, body = state.handle(self.command, self.path, self.rfile.read(length))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=9")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ELASTICSEARCH_INDEX = ALIAS
    yield state
    server.shutdown()
    server.server_close()


def _searches(cluster: StubCluster, index: str | None = None) -> list[tuple[str, str, object]]:
    """The searches sent, of one index (alias) when `index` is given."""
    return [
        r
        for r in cluster.requests
        if r[1].split("?")[0].endswith("/_search") and index in (None, r[1].split("/")[1])
    ]


# --- reading ---------------------------------------------------------------------------------------


def test_search_parses_hits_total_and_facets(cluster):
    result = search.search(SearchQuery(text="nuoc mam", province="91"))

    assert result.engine == "elasticsearch"
    assert result.total == 2
    assert [hit.sku for hit in result.hits] == ["NM-PQ-40", "NM-CN"]
    first, second = result.hits
    assert first.highlight == "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc 40 độ đạm"
    assert first.ocop_stars == 4
    assert first.score == pytest.approx(31.42)
    # The second's certificate expired in 2023: no stars, whatever the index holds.
    assert second.ocop_stars is None
    assert {f.value: f.count for f in result.facets["province"]} == {"91": 2, "08": 1}
    assert {f.value: f.count for f in result.facets["ocop_stars"]} == {"4": 1}
    assert {f.value: f.count for f in result.facets["category"]} == {"food": 2, "food-condiments": 2}
    assert all(f.label for facet in result.facets.values() for f in facet)


def test_search_goes_through_the_alias_with_facet_filters_in_post_filter(cluster):
    search.search(SearchQuery(text="nuoc mam", province="91"))

    ((method, path, body),) = _searches(cluster, ALIAS)
    assert (method, path.split("?")[0]) == ("POST", f"/{ALIAS}/_search")
    assert body["post_filter"] == {"term": {"province_code": "91"}}
    assert set(body["aggs"]) == {"category", "province", "ocop_stars"}
    assert "function_score" in body["query"]


def test_suggest_parses_names_once_each(cluster):
    suggestions = search.suggest("nuoc m", limit=5)

    assert [s.text for s in suggestions] == ["Nước mắm cốt nhĩ", "Nước mắm Phú Quốc 40 độ đạm"]
    assert suggestions[0].url == "/htx/htx-nuoc-mam-phu-quoc/nuoc-mam-cot-nhi/"
    ((_method, _path, body),) = _searches(cluster, ALIAS)
    assert body["size"] == 20


# --- writing -------------------------------------------------------------------------------------


def _catalogue(django_capture_on_commit_callbacks, count: int = 2) -> list:
    with django_capture_on_commit_callbacks(execute=True):
        cooperative = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="Kiên Giang")
        return [
            factories.product(cooperative=cooperative, name=f"Nước mắm loại {n}", category="food-condiments")
            for n in range(count)
        ]


def test_rebuild_fills_a_new_index_and_swaps_the_alias_atomically(
    cluster, django_capture_on_commit_callbacks
):
    cluster.indices["catalog-products-v1"] = {"1": {}}
    cluster.aliases[ALIAS] = "catalog-products-v1"
    _catalogue(django_capture_on_commit_callbacks)

    counts = search.rebuild()

    # The entry is the cooperative's (catalog/search/cooperatives.py).
    assert counts == {"published": 2, "indexed": 2, "entries": 1}
    new = cluster.aliases[ALIAS]
    assert new.startswith(f"{ALIAS}-v")
    assert new != "catalog-products-v1"
    (swap,) = [
        body
        for method, path, body in cluster.requests
        if path.startswith("/_aliases") and body["actions"][0]["add"]["alias"] == ALIAS
    ]
    assert swap["actions"] == [
        {"add": {"index": new, "alias": ALIAS}},
        {"remove": {"index": "catalog-products-v1", "alias": ALIAS}},
    ]
    assert "catalog-products-v1" not in cluster.indices
    assert ElasticsearchEngine().count() == 2
    created = next(
        body for method, path, body in cluster.requests if method == "PUT" and path.startswith(f"/{new}")
    )
    assert created["mappings"]["dynamic"] == "strict"
    assert created["settings"]["index"]["refresh_interval"] == "-1"
    assert {doc["name"] for doc in cluster.indices[new].values()} == {"Nước mắm loại 0", "Nước mắm loại 1"}


def test_rebuild_command_reports_the_elasticsearch_counts(cluster, django_capture_on_commit_callbacks):
    _catalogue(django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)

    assert "Search index (elasticsearch) rebuilt: 2 of 2 published listings indexed (was 0)" in out.getvalue()


def test_rebuild_command_fails_plainly_when_the_cluster_is_unreachable(settings, refused_port):
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{refused_port}"

    with pytest.raises(CommandError, match=r"Search index \(elasticsearch\) not rebuilt"):
        call_command("rebuild_search_index", "--no-progress", stdout=StringIO())


def test_a_publish_is_indexed_through_the_alias(cluster, django_capture_on_commit_callbacks):
    search.rebuild()
    (product,) = _catalogue(django_capture_on_commit_callbacks, count=1)

    assert str(product.pk) in cluster.indices[cluster.aliases[ALIAS]]
    bulk = [path for method, path, body in cluster.requests if path.startswith("/_bulk")]
    assert any("require_alias=true" in path for path in bulk)


def test_a_failed_index_write_is_logged_and_the_save_stands(
    cluster, django_capture_on_commit_callbacks, caplog
):
    # No rebuild yet, so no alias: require_alias makes every write fail instead of guessing a mapping.
    with caplog.at_level(logging.ERROR, logger="catalog.search"):
        (product,) = _catalogue(django_capture_on_commit_callbacks, count=1)

    assert DatabaseEngine().count() == 1
    assert cluster.indices == {}
    assert any("could not index" in record.getMessage() for record in caplog.records)
    product.refresh_from_db()
    assert product.live


# --- falling back --------------------------------------------------------------------------------


def test_search_falls_back_to_the_database_when_connections_are_refused(
    settings, refused_port, django_capture_on_commit_callbacks, caplog
):
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{refused_port}"
    with caplog.at_level(logging.ERROR, logger="catalog.search"):
        products = _catalogue(django_capture_on_commit_callbacks)
        result = search.search(SearchQuery(text="nuoc mam"))
        suggestions = search.suggest("nuoc m", limit=5)

    assert result.engine == "database"
    assert {hit.sku for hit in result.hits} == {p.sku for p in products}
    assert [s.text for s in suggestions]
    messages = [record.getMessage() for record in caplog.records]
    assert any("answering from the database" in m and "elasticsearch" in m for m in messages)
    assert any("could not index" in m for m in messages)


def test_search_falls_back_when_the_cluster_answers_with_an_error(cluster, caplog):
    cluster.search_status = 503
    with caplog.at_level(logging.ERROR, logger="catalog.search"):
        result = search.search(SearchQuery(text="nuoc mam"))

    assert result.engine == "database"
    assert _searches(cluster)
    assert any("unavailable_shards_exception" in record.getMessage() for record in caplog.records)


def test_a_later_rebuild_brings_the_count_back(
    settings, refused_port, cluster, django_capture_on_commit_callbacks
):
    url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{refused_port}"
    _catalogue(django_capture_on_commit_callbacks, count=3)
    settings.ELASTICSEARCH_URL = url
    assert ElasticsearchEngine().count() == 0

    search.rebuild()

    assert ElasticsearchEngine().count() == len(public_product_ids()) == 3


# --- entries (requests for quotation) ---------------------------------------------------------------


def test_an_entry_search_goes_through_the_entries_alias_and_parses_its_hits(cluster):
    result = search.search_entries(EntryQuery(kind="rfq", text="ca phe", province="66", quantity_min=5))

    assert result.engine == "elasticsearch"
    assert result.total == 2
    assert [(hit.kind, hit.key, hit.title) for hit in result.hits] == [
        ("rfq", 41, "Cà phê nhân Robusta"),
        ("rfq", 7, "Hạt điều và cà phê rang"),
    ]
    assert result.hits[0].score == pytest.approx(12.5)
    ((method, path, body),) = _searches(cluster)
    assert (method, path.split("?")[0]) == ("POST", f"/{ENTRIES}/_search")
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"kind": "rfq"}} in filters
    assert {"term": {"province_code": "66"}} in filters
    assert {"range": {"quantity": {"gte": 5}}} in filters


def test_an_entry_search_falls_back_to_the_database_when_the_cluster_fails(
    cluster, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        coffee = rfqs.rfq(title="Cà phê nhân Robusta")
    cluster.search_status = 503
    with caplog.at_level(logging.ERROR, logger="catalog.search"):
        result = search.search_entries(EntryQuery(kind="rfq", text="ca phe"))

    assert result.engine == "database"
    assert [hit.key for hit in result.hits] == [coffee.pk]
    assert _searches(cluster)
    assert any("answering from the database" in record.getMessage() for record in caplog.records)


def test_an_entry_search_falls_back_when_connections_are_refused(
    settings, refused_port, django_capture_on_commit_callbacks
):
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{refused_port}"
    with django_capture_on_commit_callbacks(execute=True):
        coffee = rfqs.rfq(title="Cà phê nhân Robusta")

    result = search.search_entries(EntryQuery(kind="rfq", text="cà phê"))

    assert result.engine == "database"
    assert [hit.key for hit in result.hits] == [coffee.pk]


def test_rebuild_fills_and_swaps_the_entries_alias_too(cluster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coffee = rfqs.rfq(title="Cà phê nhân Robusta")
        rfqs.rfq(title="Riêng tư", visibility="invited")

    counts = search.rebuild()

    assert counts["entries"] == 1
    index = cluster.aliases[ENTRIES]
    assert index.startswith(f"{ENTRIES}-v")
    assert cluster.indices[index] == {
        f"rfq-{coffee.pk}": {
            "kind": "rfq",
            "key": coffee.pk,
            "name": "Cà phê nhân Robusta",
            "body": "",
            "body_marked": "",
            "category": "",
            "category_path": [],
            "province_code": "",
            "quantity": 2,
            "valid_until": coffee.deadline.isoformat(),
            "published_at": coffee.created_at.isoformat(),
            "url": "",
        }
    }
    created = next(
        body for method, path, body in cluster.requests if method == "PUT" and path.startswith(f"/{index}")
    )
    assert created["mappings"]["dynamic"] == "strict"


def test_an_rfq_posted_then_cancelled_is_written_and_deleted_through_the_entries_alias(
    cluster, django_capture_on_commit_callbacks
):
    search.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        coffee = rfqs.rfq(title="Cà phê nhân Robusta")
    documents = cluster.indices[cluster.aliases[ENTRIES]]
    assert list(documents) == [f"rfq-{coffee.pk}"]

    with django_capture_on_commit_callbacks(execute=True):
        rfq_cancel(user=coffee.buyer, rfq=coffee)

    assert documents == {}
    bulk = [path for method, path, body in cluster.requests if path.startswith("/_bulk")]
    assert all("require_alias=true" in path for path in bulk)


# --- cooperatives (entries of kind "cooperative") ------------------------------------------------


def test_cooperatives_are_indexed_and_found_through_the_entries_alias(
    cluster, django_capture_on_commit_callbacks
):
    products = _catalogue(django_capture_on_commit_callbacks)
    cooperative = products[0].cooperative
    search.rebuild()

    documents = cluster.indices[cluster.aliases[ENTRIES]]
    assert documents[f"cooperative-{cooperative.pk}"] == {
        "kind": "cooperative",
        "key": cooperative.pk,
        "name": "HTX Nước mắm Phú Quốc",
        "body": "",
        "body_marked": "",
        "category": "",
        "category_path": [],
        "province_code": "91",
        "quantity": None,
        "valid_until": None,
        "published_at": None,
        "url": cooperative.get_url(),
    }
    # A listing's document no longer holds its cooperative's name.
    listing = cluster.indices[cluster.aliases[ALIAS]][str(products[0].pk)]
    assert "phu quoc" not in listing["body"]
    assert "name_stems" in listing

    result = search.search(SearchQuery(text="nuoc mam", province="91"))
    suggestions = search.suggest("nuoc m", limit=5)

    assert result.engine == "elasticsearch"
    assert [(c.key, c.name, c.province_code) for c in result.cooperatives] == [
        (cooperative.pk, "HTX Nước mắm Phú Quốc", "91")
    ]
    assert suggestions[-1].kind == "cooperative"
    assert suggestions[-1].text == "HTX Nước mắm Phú Quốc"
    first, second = _searches(cluster, ENTRIES)
    for _method, _path, body in (first, second):
        assert {"term": {"kind": "cooperative"}} in body["query"]["bool"]["filter"]
        assert body["size"] == 3
        assert body["track_total_hits"] is False
    assert {"term": {"province_code": "91"}} in first[2]["query"]["bool"]["filter"]
    assert second[2]["query"]["bool"]["must"][-1]["multi_match"]["type"] == "phrase_prefix"


def test_a_renamed_cooperative_is_written_through_the_entries_alias(
    cluster, django_capture_on_commit_callbacks
):
    search.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        cooperative = factories.cooperative(name="HTX Mật ong Ba Vì")
    documents = cluster.indices[cluster.aliases[ENTRIES]]
    assert documents[f"cooperative-{cooperative.pk}"]["name"] == "HTX Mật ong Ba Vì"

    with django_capture_on_commit_callbacks(execute=True):
        cooperative.unpublish()

    assert f"cooperative-{cooperative.pk}" not in documents


def test_the_cooperatives_fall_back_to_the_database_when_the_entries_alias_is_missing(
    cluster, django_capture_on_commit_callbacks, caplog
):
    # No rebuild: no entries alias on the cluster; the database engine has the cooperative.
    with caplog.at_level(logging.ERROR, logger="catalog.search"):
        products = _catalogue(django_capture_on_commit_callbacks)
        result = search.search(SearchQuery(text="nuoc mam"))

    assert [c.name for c in result.cooperatives] == ["HTX Nước mắm Phú Quốc"]
    assert products[0].cooperative.pk == result.cooperatives[0].key
    assert any("answering from the database" in record.getMessage() for record in caplog.records)
