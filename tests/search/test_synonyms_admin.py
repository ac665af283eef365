"""Alliance staff keep the search synonyms in the admin; cooperative staff cannot."""

import pytest
from django.urls import reverse

from catalog.models import SearchSynonym
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_alliance_staff_add_a_synonym_group(client):
    reviewer = factories.user(email="duyet@lienminh.example.org")
    factories.alliance(provinces=["01"], staff=[reviewer])
    client.force_login(reviewer)

    assert client.get(reverse("catalog_search_synonyms:index")).status_code == 200
    response = client.post(reverse("catalog_search_synonyms:add"), {"terms": "homestay, nhà nghỉ cộng đồng"})

    assert response.status_code == 302
    assert SearchSynonym.objects.filter(terms="homestay, nhà nghỉ cộng đồng").exists()


def test_a_group_of_one_term_is_refused(client):
    client.force_login(factories.superuser())

    response = client.post(reverse("catalog_search_synonyms:add"), {"terms": "homestay"})

    assert response.status_code == 200
    assert not SearchSynonym.objects.filter(terms="homestay").exists()


def test_cooperative_staff_cannot_edit_synonyms(client):
    staff = factories.user(email="kho@htx.example.org")
    factories.cooperative(staff=[staff])
    client.force_login(staff)

    for url_name in ("index", "add"):
        response = client.get(reverse(f"catalog_search_synonyms:{url_name}"))
        assert response.status_code in (302, 403)
