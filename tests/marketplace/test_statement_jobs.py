"""A large bank statement uploaded in the admin is imported in the background and its result shown
later on the upload page; a small one is still imported at once."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from background.models import Job
from marketplace.models import BankStatementLine, Order
from marketplace.services import statements
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/marketplace/statements/import/"
HEADER = "date,amount_vnd,description,reference"
REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture(autouse=True)
def _cards_offered(monkeypatch):
    """Checkout offers card payment only when a card gateway is configured; these tests never call it."""
    monkeypatch.setattr("marketplace.services.checkout.card_gateway", object)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STATEMENT_IMPORT_BACKGROUND_BYTES = 200
    return tmp_path / "private"


@pytest.fixture
def shop():
    staff = factories.user()
    cooperative = factories.cooperative(name="HTX Mật ong Mộc Châu", staff=[staff])
    mf.terms(cooperative, shipping="flat", shipping_fee_vnd=30_000)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=50)
    return cooperative, staff, honey


def order_of(shop):
    cooperative, _staff, honey = shop
    return mf.purchase(factories.user(), [(honey, 1)]).orders.get(cooperative=cooperative)


def statement(*rows: str) -> bytes:
    """A statement made larger than the test's 200-byte threshold by a few debits (skipped lines)."""
    padding = [f"04/03/2025,-1000,phi dich vu thang {n},FEE{n}" for n in range(6)]
    return "\n".join([HEADER, *rows, *padding]).encode() + b"\n"


def upload(client, cooperative, data: bytes, name="statement.csv"):
    return client.post(IMPORT_URL, {"cooperative": cooperative.pk, "file": SimpleUploadedFile(name, data)})


def stored(private_files) -> list:
    return [path for path in private_files.rglob("*") if path.is_file()] if private_files.exists() else []


def test_a_large_statement_is_queued_then_imported_and_its_result_shown(
    shop, client, private_files, django_capture_on_commit_callbacks
):
    cooperative, staff, _honey = shop
    order = order_of(shop)
    data = statement(f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001")
    assert len(data) > 200
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = upload(client, cooperative, data)

    assert response.status_code == 302
    assert "nhập trong nền" in str(next(iter(get_messages(response.wsgi_request))))  # "in the background"
    job = Job.objects.get(kind=statements.STATEMENT_JOB)
    assert (job.status, job.requested_by, job.params["filename"]) == ("queued", staff, "statement.csv")
    assert len(stored(private_files)) == 1  # kept privately for the worker
    assert not BankStatementLine.objects.exists()
    waiting = client.get(IMPORT_URL)
    assert REFRESH in waiting.content.decode()
    assert [item.job for item in waiting.context["background_imports"]] == [job]

    for callback in queued:  # the commit, and the task on the immediate backend
        callback()

    job.refresh_from_db()
    assert job.status == "done"
    assert job.result == {"matched": 1, "review": 0, "duplicate": 0, "debits": 6}
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert stored(private_files) == []  # deleted once imported
    page = client.get(IMPORT_URL)
    assert REFRESH not in page.content.decode()
    assert page.context["background_imports"][0].summary.startswith("1 ")


def test_a_small_statement_is_still_imported_at_once(shop, client, settings):
    settings.STATEMENT_IMPORT_BACKGROUND_BYTES = 10_000
    cooperative, staff, _honey = shop
    order = order_of(shop)
    client.force_login(staff)

    response = upload(
        client, cooperative, statement(f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001")
    )

    assert response.status_code == 200
    assert response.context["report"].matched == 1
    assert not Job.objects.exists()


def test_a_malformed_large_statement_fails_with_its_problems_and_imports_nothing(
    shop, client, private_files, django_capture_on_commit_callbacks
):
    cooperative, staff, _honey = shop
    order = order_of(shop)
    data = statement(
        f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001", "31/02/2025,1000,xyz,FT002"
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, cooperative, data)

    job = Job.objects.get()
    assert job.status == "failed"
    assert "31/02/2025" in job.error
    assert not BankStatementLine.objects.exists()
    assert stored(private_files) == []
    shown = client.get(IMPORT_URL).content.decode()
    assert "31/02/2025" in shown


def test_a_second_large_upload_waits_for_the_first(shop, client, private_files):
    cooperative, staff, _honey = shop
    client.force_login(staff)
    upload(client, cooperative, statement())  # queued: its task never runs in this test

    again = upload(client, cooperative, statement())

    assert again.status_code == 200
    assert "đang được nhập" in " ".join(again.context["form"].errors["file"])  # "still being imported"
    assert Job.objects.count() == 1
    assert len(stored(private_files)) == 1


def test_a_wrong_kind_of_large_file_is_refused_at_once(shop, client, private_files):
    client.force_login(shop[1])

    response = upload(client, shop[0], b"%PDF-1.4 " + b"x" * 500, "statement.pdf")

    assert response.context["form"].errors["file"]
    assert not Job.objects.exists()
    assert stored(private_files) == []


def test_other_cooperatives_staff_do_not_see_the_import(shop, client):
    cooperative, staff, _honey = shop
    client.force_login(staff)
    upload(client, cooperative, statement())
    other_staff = factories.user()
    factories.cooperative(staff=[other_staff])
    client.force_login(other_staff)

    page = client.get(IMPORT_URL)

    assert page.status_code == 200
    assert page.context["background_imports"] == []
    assert "statement.csv" not in page.content.decode()


def test_on_the_database_backend_the_worker_imports_it(
    shop, client, private_files, database_tasks, django_capture_on_commit_callbacks
):
    cooperative, staff, _honey = shop
    order = order_of(shop)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            client,
            cooperative,
            statement(f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001"),
        )
    assert Job.objects.get().status == "queued"
    assert REFRESH in client.get(IMPORT_URL).content.decode()

    database_tasks()

    job = Job.objects.get()
    assert (job.status, job.result["matched"]) == ("done", 1)
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert stored(private_files) == []
