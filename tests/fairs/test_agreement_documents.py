"""Signed agreement documents: stored privately under random names, read only through a view
that lets in the agreement's two parties and the fair's organisers."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fairs import services
from fairs.models import Agreement
from tests import factories
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%signed memorandum\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def supplier_staff():
    return factories.user(email="htx@example.org")


@pytest.fixture
def agreement(media, fair, organiser, supplier_staff):
    supplier = services.participant_register_cooperative(
        fair=fair,
        user=supplier_staff,
        cooperative=factories.cooperative(province="01", staff=[supplier_staff]),
        data=services.RegistrationData(),
    )
    services.participant_decide(participant=supplier, user=organiser, approve=True)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    return record(fair, organiser, buyer, supplier)


def record(fair, organiser, buyer, supplier, *, meeting=None):
    return services.agreement_record(
        fair=fair,
        meeting=meeting,
        user=organiser,
        data=services.AgreementData(
            kind=Agreement.Kind.MEMORANDUM,
            buyer=buyer,
            supplier=supplier,
            volume="2 tấn/tháng",
            value_vnd=480_000_000,
            signed_on=datetime.date.today(),
            document=SimpleUploadedFile("bien-ban-ky-ket.pdf", PDF, content_type="application/pdf"),
        ),
    )


def document_url(agreement):
    return reverse("fairs:agreement_document", args=[agreement.fair_id, agreement.pk])


def test_the_document_is_stored_privately_under_a_random_name(agreement, media):
    name = agreement.document.name

    assert name.startswith("agreements/")
    assert name.endswith(".pdf")
    assert "bien-ban" not in name
    assert name.count("/") == 1  # no folder per fair either
    assert len(Path(name).stem) == 32
    assert agreement.document_name == "bien-ban-ky-ket.pdf"
    assert (media / "private" / name).read_bytes() == PDF
    assert not [p for p in (media / "media").rglob("*") if p.is_file()]


def test_a_private_file_has_no_url(agreement):
    with pytest.raises(NotImplementedError):
        agreement.document.url  # noqa: B018


def test_the_old_public_address_serves_nothing(client, agreement, organiser):
    client.force_login(organiser)

    for path in (
        f"/media/agreements/{agreement.fair_id}/bien-ban-ky-ket.pdf",
        f"/media/{agreement.document.name}",
    ):
        assert client.get(path).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, agreement):
    response = client.get(document_url(agreement))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_cooperative_and_another_buyer_are_refused(client, agreement, fair, organiser):
    other_staff = factories.user()
    services.participant_decide(
        participant=services.participant_register_cooperative(
            fair=fair,
            user=other_staff,
            cooperative=factories.cooperative(province="01", staff=[other_staff]),
            data=services.RegistrationData(),
        ),
        user=organiser,
        approve=True,
    )
    other_buyer = fair_factories.buyer_participant(fair, approve_by=organiser)

    for user in (other_staff, other_buyer.user, factories.user()):
        client.force_login(user)
        assert client.get(document_url(agreement)).status_code == 403


@pytest.mark.parametrize("who", ["supplier", "buyer", "organiser"])
def test_the_parties_and_the_organisers_download_it(client, agreement, organiser, supplier_staff, who):
    user = {"supplier": supplier_staff, "buyer": agreement.buyer.user, "organiser": organiser}[who]
    client.force_login(user)

    response = client.get(document_url(agreement))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "bien-ban-ky-ket.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_agreement_of_another_fair_or_without_a_document_is_not_found(client, agreement, organiser):
    client.force_login(organiser)
    other_fair = fair_factories.fair(
        lead=factories.alliance(provinces=("01",), staff=[organiser]), title="Hội chợ khác"
    )
    Agreement.objects.filter(pk=agreement.pk).update(document="")

    assert (
        client.get(reverse("fairs:agreement_document", args=[other_fair.pk, agreement.pk])).status_code == 404
    )
    assert client.get(document_url(agreement)).status_code == 404


def test_the_meeting_page_links_to_the_view_not_to_the_file(client, media, fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    agreement = record(fair, organiser, buyer, supplier, meeting=meeting)
    client.force_login(organiser)

    page = client.get(reverse("fairs:meeting", args=[fair.pk, meeting.pk])).content.decode()

    assert document_url(agreement) in page
    assert "/media/" not in page


def test_the_migration_moves_public_documents_to_private_random_names(agreement, media):
    public = storages["default"]
    old_name = public.save(f"agreements/{agreement.fair_id}/hop-dong-cu.pdf", ContentFile(PDF))
    Agreement.objects.filter(pk=agreement.pk).update(document=old_name, document_name="")
    migration = importlib.import_module("fairs.migrations.0004_agreement_documents_private")

    migration.move_documents_to_private_storage(global_apps, None)

    agreement.refresh_from_db()
    assert not public.exists(old_name)
    assert agreement.document.name.startswith("agreements/")
    assert "hop-dong" not in agreement.document.name
    assert agreement.document_name == "hop-dong-cu.pdf"
    assert (media / "private" / agreement.document.name).read_bytes() == PDF
