"""The site header links to the fairs index, in both languages, at no extra query per page."""

import pytest

from fairs.models import FairIndexPage
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("home", "fairs"), [("/", "/hoi-cho/"), ("/en/", "/en/hoi-cho/")])
def test_the_header_links_to_the_fairs_index(client, home, fairs):
    index = FairIndexPage.objects.get()
    assert index.url == "/hoi-cho/"

    html = client.get(home).content.decode()

    header = html[html.index("<header") : html.index("</header>")]
    assert f'href="{fairs}"' in header


def test_the_fairs_link_costs_no_query_of_its_own(client):
    client.get("/")  # first request of the site: content types, settings row
    with_link = count_queries(client, "/")
    FairIndexPage.objects.get().unpublish()
    client.get("/")

    without_link = count_queries(client, "/")

    assert 'href="/hoi-cho/"' not in client.get("/").content.decode()
    assert with_link == without_link
