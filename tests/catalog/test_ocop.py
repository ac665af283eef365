"""OCOP certificates: 36 months of validity, stars only while valid, a reminder before expiry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from catalog import selectors, services
from catalog.models import OcopCertificate
from catalog.models.products import add_months, ocop_default_expiry
from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


# --- the validity period --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),  # across the year end
        (D(2025, 3, 31), 36, D(2028, 3, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_short_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "issued",
    [D(2024, 2, 29), D(2023, 1, 31), D(2025, 12, 31), D(2022, 8, 31), D(2025, 7, 1), D(2024, 3, 15)],
)
def test_default_expiry_is_36_months_on_whichever_counting(issued):
    """Whether the last valid day is the same date 36 months on or the day before it."""
    end = add_months(issued, 36)

    assert end - datetime.timedelta(days=1) <= ocop_default_expiry(issued) <= end


@pytest.mark.parametrize(
    ("issued", "expected"),
    [(D(2024, 3, 15), D(2027, 3, 15)), (D(2024, 2, 29), D(2027, 2, 28)), (D(2023, 1, 31), D(2026, 1, 31))],
)
def test_default_expiry_is_issue_date_plus_36_months(issued, expected):
    assert ocop_default_expiry(issued) == expected


@pytest.mark.django_db
def test_recording_a_certificate_without_expiry_uses_the_default():
    product = factories.product()

    certificate = services.ocop_certificate_record(
        product=product,
        data=services.OcopData(
            stars=4,
            decision_number="12/QĐ-UBND",
            issued_on=D(2024, 2, 29),
            issuing_authority="UBND TP Hà Nội",
        ),
    )

    assert certificate.expires_on == ocop_default_expiry(D(2024, 2, 29))


@pytest.mark.django_db
def test_clean_fills_the_expiry_and_refuses_one_before_the_issue_date():
    product = factories.product()
    certificate = OcopCertificate(
        product=product, stars=3, decision_number="1/QĐ", issuing_authority="UBND", issued_on=D(2025, 5, 20)
    )
    certificate.full_clean()
    assert certificate.expires_on == ocop_default_expiry(D(2025, 5, 20))

    certificate.expires_on = D(2025, 5, 20)
    with pytest.raises(ValidationError) as error:
        certificate.full_clean()
    assert "expires_on" in error.value.message_dict


# --- status and stars ----------------------------------------------------------------------------


def _certificate(issued_on, expires_on):
    return OcopCertificate(stars=4, issued_on=issued_on, expires_on=expires_on)


@pytest.mark.parametrize(
    ("issued_in", "expires_in", "status", "valid"),
    [
        (-400, 91, "valid", True),
        (-400, 90, "expiring", True),
        (-400, 1, "expiring", True),
        (-400, 0, "expiring", True),  # the last day still counts
        (-400, -1, "expired", False),
        (-1200, -100, "expired", False),
        (1, 900, "not_yet_valid", False),
        (0, 900, "valid", True),
    ],
)
def test_status_is_computed_from_today(issued_in, expires_in, status, valid):
    certificate = _certificate(days(issued_in), days(expires_in))

    assert certificate.status == status
    assert certificate.is_valid is valid


def test_status_on_a_given_day():
    certificate = _certificate(D(2024, 2, 29), D(2027, 2, 27))

    assert certificate.status_on(D(2024, 2, 28)) == OcopCertificate.Status.NOT_YET_VALID
    assert certificate.status_on(D(2026, 11, 28)) == OcopCertificate.Status.VALID  # 91 days left
    assert certificate.status_on(D(2026, 11, 29)) == OcopCertificate.Status.EXPIRING  # 90 days left
    assert certificate.status_on(D(2027, 2, 27)) == OcopCertificate.Status.EXPIRING
    assert certificate.status_on(D(2027, 2, 28)) == OcopCertificate.Status.EXPIRED


def _public(product):
    return selectors.public_products().get(pk=product.pk)


@pytest.mark.django_db
def test_expired_certificate_hides_stars():
    product = factories.product(ocop=factories.ocop(stars=5, issued_on=days(-1100), expires_on=days(-1)))

    public = _public(product)
    assert public.ocop_stars is None
    assert public.valid_stars is None
    assert public.valid_ocop_certificate is None
    assert public.current_ocop_certificate.stars == 5  # still on record for the owner


@pytest.mark.django_db
def test_valid_certificate_shows_stars_to_its_last_day():
    product = factories.product(ocop=factories.ocop(stars=4, issued_on=days(-1000), expires_on=today()))

    public = _public(product)
    assert public.ocop_stars == 4
    assert public.valid_stars == 4


@pytest.mark.django_db
def test_certificate_not_yet_in_force_shows_no_stars():
    product = factories.product(ocop=factories.ocop(stars=3, issued_on=days(3)))

    assert _public(product).ocop_stars is None
    assert _public(product).valid_stars is None


@pytest.mark.django_db
def test_renewed_rating_shows_the_valid_certificates_stars():
    product = factories.product(ocop=factories.ocop(stars=5, issued_on=days(-1200), expires_on=days(-100)))
    services.ocop_certificate_record(product=product, data=factories.ocop(stars=3, issued_on=days(-50)))

    public = _public(product)
    assert public.ocop_stars == 3
    assert public.valid_stars == 3


@pytest.mark.django_db
def test_featured_ocop_products_leave_out_expired_ratings():
    expired = factories.product(ocop=factories.ocop(stars=5, issued_on=days(-1100), expires_on=days(-1)))
    valid = factories.product(ocop=factories.ocop(stars=4))

    featured = selectors.featured_ocop_products(limit=10)

    assert valid in featured
    assert expired not in featured


# --- expiry notices ------------------------------------------------------------------------------


@pytest.fixture
def cooperative(db):
    staff = [
        factories.user(email="giamdoc@htx-mat-ong.example.org"),
        factories.user(email="KeToan@htx-mat-ong.example.org"),
    ]
    return factories.cooperative(
        name="HTX Mật ong Ba Vì", email="ketoan@htx-mat-ong.example.org", staff=staff
    )


def certificate_expiring_in(n: int, cooperative, **extra) -> OcopCertificate:
    product = factories.product(
        cooperative=cooperative,
        name=extra.pop("name", f"Mật ong {n}"),
        ocop=factories.ocop(issued_on=days(n - 1000), expires_on=days(n), **extra),
    )
    return product.ocop_certificates.get()


def run(*args) -> str:
    """The command, with what it queued for after commit (the emails) done as a real commit would."""
    from io import StringIO

    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("ocop_expiry_notices", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_notices_go_to_the_cooperative_and_its_staff_once_each(cooperative, mailoutbox):
    certificate = certificate_expiring_in(30, cooperative, name="Mật ong hoa nhãn", number="88/QĐ-UBND")

    output = run()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(address.lower() for address in message.to) == [
        "giamdoc@htx-mat-ong.example.org",
        "ketoan@htx-mat-ong.example.org",
    ]
    assert "HTX Mật ong Ba Vì" in message.subject
    assert "Mật ong hoa nhãn" in message.body
    assert "88/QĐ-UBND" in message.body
    assert days(30).strftime("%d/%m/%Y") in message.body
    certificate.refresh_from_db()
    assert certificate.expiry_notice_sent_on == today()
    assert "1 certificate(s)" in output
    assert "notified 1 cooperative(s)" in output


def test_a_second_run_sends_nothing(cooperative, mailoutbox):
    certificate_expiring_in(30, cooperative)
    run()
    mailoutbox.clear()

    output = run()

    assert mailoutbox == []
    assert "0 certificate(s)" in output


@pytest.mark.parametrize(
    ("expires_in", "notified"),
    [(0, True), (1, True), (89, True), (90, True), (91, False), (365, False), (-1, False)],
)
def test_only_certificates_in_their_last_90_days_are_notified(cooperative, mailoutbox, expires_in, notified):
    certificate_expiring_in(expires_in, cooperative)

    run()

    assert len(mailoutbox) == (1 if notified else 0)


def test_all_of_a_cooperatives_certificates_come_in_one_email(cooperative, mailoutbox):
    other = factories.cooperative(name="HTX Chè Tân Cương", email="lienhe@che.example.org", province="19")
    first = certificate_expiring_in(10, cooperative, name="Mật ong rừng")
    second = certificate_expiring_in(60, cooperative, name="Sáp ong")
    third = certificate_expiring_in(20, other, name="Chè móc câu")

    run()

    assert len(mailoutbox) == 2
    by_recipient = {message.to[0]: message for message in mailoutbox}
    bees = next(m for m in mailoutbox if "Mật ong rừng" in m.body)
    assert "Sáp ong" in bees.body
    assert "Chè móc câu" not in bees.body
    assert by_recipient["lienhe@che.example.org"].subject.endswith("HTX Chè Tân Cương")
    for certificate in (first, second, third):
        certificate.refresh_from_db()
        assert certificate.expiry_notice_sent_on == today()


def test_dry_run_lists_but_sends_and_marks_nothing(cooperative, mailoutbox):
    certificate = certificate_expiring_in(30, cooperative)

    output = run("--dry-run")

    assert mailoutbox == []
    certificate.refresh_from_db()
    assert certificate.expiry_notice_sent_on is None
    assert "[dry run]" in output
    assert "would notify 1 cooperative(s)" in output
    assert "ketoan@htx-mat-ong.example.org" in output
    run()
    assert len(mailoutbox) == 1


def test_a_renewed_certificate_needs_no_reminder(cooperative, mailoutbox):
    old = certificate_expiring_in(30, cooperative)
    services.ocop_certificate_record(product=old.product, data=factories.ocop(issued_on=days(-5)))

    run()

    assert mailoutbox == []


def test_archived_listings_are_not_reminded(cooperative, mailoutbox):
    certificate = certificate_expiring_in(30, cooperative)
    services.product_archive(product=certificate.product)

    run()

    assert mailoutbox == []


def test_a_cooperative_without_any_address_is_reported_and_retried(db, mailoutbox):
    silent = factories.cooperative(name="HTX Không email")
    certificate = certificate_expiring_in(30, silent)

    output = run()

    assert mailoutbox == []
    certificate.refresh_from_db()
    assert certificate.expiry_notice_sent_on is None
    assert "No email address for HTX Không email" in output


def test_running_as_of_another_day(cooperative, mailoutbox):
    certificate_expiring_in(120, cooperative)

    run(f"--date={days(40).isoformat()}")

    assert len(mailoutbox) == 1


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError):
        run("--date=31/12/2025")
    with pytest.raises(CommandError):
        run("--days=-1")
