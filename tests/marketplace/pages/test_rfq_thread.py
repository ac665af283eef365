"""The message thread between an RFQ's buyer and one cooperative (/cung-cau/<id>/tin-nhan/<tax code>/):
only those two sides read and write it, contacts are masked before a deal, bad input changes nothing."""

import pytest
from django.test import Client

from marketplace.models import RfqMessage
from marketplace.services.quotes import rfq_message_post
from tests import factories
from tests.factories import rfqs
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import identities, url

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def thread(user, rfq, cooperative, *, language: str = "vi"):
    return signed_in(user).get(url("rfq_thread", rfq.pk, cooperative.tax_code, language=language))


def write(user, rfq, cooperative, body):
    return signed_in(user).post(url("rfq_message_post", rfq.pk, cooperative.tax_code), {"body": body})


@pytest.mark.parametrize("language", ["vi", "en"])
def test_both_sides_read_the_thread_in_both_languages(b2b, language):
    rfq_message_post(user=b2b.buyer, rfq=b2b.rfq, cooperative=b2b.rice, body="Gạo có đóng bao 25 kg không?")
    rfq_message_post(user=b2b.rice.quoter, rfq=b2b.rfq, cooperative=b2b.rice, body="Có, bao PP 25 kg.")
    for reader in (b2b.buyer, b2b.rice.quoter):
        response = thread(reader, b2b.rfq, b2b.rice, language=language)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{language}">' in html
        assert "Gạo có đóng bao 25 kg không?" in html
        assert "Có, bao PP 25 kg." in html
        assert html.index("đóng bao 25 kg") < html.index("bao PP")  # oldest first
        assert 'id="latest"' in html


def test_the_cooperative_never_sees_who_the_buyer_is_before_a_deal(b2b):
    rfq_message_post(user=b2b.buyer, rfq=b2b.rfq, cooperative=b2b.rice, body="Xin chào")
    html = thread(b2b.rice.quoter, b2b.rfq, b2b.rice).content.decode()
    assert not any(identity in html for identity in identities(b2b.buyer))


def test_no_one_else_reads_it(b2b):
    rfq_message_post(user=b2b.buyer, rfq=b2b.rfq, cooperative=b2b.rice, body="Bí mật giá")
    for outsider in (b2b.tea.quoter, b2b.outsider.quoter, factories.user()):
        assert thread(outsider, b2b.rfq, b2b.rice).status_code == 404
    anonymous = thread(None, b2b.rfq, b2b.rice)
    assert anonymous.status_code == 302
    assert "/accounts/" in anonymous["Location"]
    # A cooperative's staff cannot open another cooperative's thread by its tax code either.
    assert thread(b2b.rice.quoter, b2b.rfq, b2b.tea).status_code == 404


def test_an_invited_only_rfq_has_threads_with_invited_cooperatives_only(b2b):
    rfq = rfqs.rfq(b2b.buyer, title="Chè kín", visibility="invited", invite=[b2b.rice])
    assert thread(b2b.buyer, rfq, b2b.rice).status_code == 200
    assert thread(b2b.buyer, rfq, b2b.tea).status_code == 404
    assert thread(b2b.tea.quoter, rfq, b2b.tea).status_code == 404
    assert write(b2b.tea.quoter, rfq, b2b.tea, "Cho tôi báo giá").status_code == 404
    assert not RfqMessage.objects.exists()


@pytest.mark.parametrize("tax_code", ["0000000000", "abc", "%00", "9" * 40, "<script>"])
def test_a_wrong_tax_code_or_id_is_not_found(b2b, tax_code):
    client = signed_in(b2b.buyer)
    assert client.get(f"/cung-cau/{b2b.rfq.pk}/tin-nhan/{tax_code}/").status_code == 404
    assert client.post(f"/cung-cau/{b2b.rfq.pk}/tin-nhan/{tax_code}/gui/", {"body": "x"}).status_code == 404
    assert client.get(f"/cung-cau/{10**30}/tin-nhan/{b2b.rice.tax_code}/").status_code == 404
    assert client.get(f"/cung-cau/999999/tin-nhan/{b2b.rice.tax_code}/").status_code == 404
    assert not RfqMessage.objects.exists()


def test_writing_stores_the_message_masked_and_lands_on_it(
    b2b, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = write(b2b.buyer, b2b.rfq, b2b.rice, "Gọi tôi 0912 345 678 hoặc mua@example.org")
    assert response.status_code == 302
    assert response["Location"].endswith(url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) + "#latest")
    message = RfqMessage.objects.get()
    assert message.from_buyer
    assert "0912" not in message.body
    assert "mua@example.org" not in message.body
    assert [b2b.rice.quoter.email] == [address for email in mailoutbox for address in email.to]
    response = write(b2b.rice.quoter, b2b.rfq, b2b.rice, "Dạ, chúng tôi nhận được.")
    assert response.status_code == 302
    assert RfqMessage.objects.filter(from_buyer=False, cooperative=b2b.rice).count() == 1


@pytest.mark.parametrize("body", ["", "   ", "a" * 4001, "chào\x00"])
def test_an_empty_long_or_unsavable_message_is_refused(b2b, body):
    response = write(b2b.buyer, b2b.rfq, b2b.rice, body)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not RfqMessage.objects.exists()


def test_others_cannot_write(b2b):
    for outsider in (b2b.tea.quoter, b2b.outsider.quoter, factories.user()):
        assert write(outsider, b2b.rfq, b2b.rice, "Chen ngang").status_code == 404
    assert write(None, b2b.rfq, b2b.rice, "Ẩn danh").status_code == 302
    assert signed_in(b2b.buyer).get(url("rfq_message_post", b2b.rfq.pk, b2b.rice.tax_code)).status_code == 405
    assert not RfqMessage.objects.exists()


def test_writing_needs_the_csrf_token(b2b):
    client = Client(enforce_csrf_checks=True)
    client.force_login(b2b.buyer)
    path = url("rfq_message_post", b2b.rfq.pk, b2b.rice.tax_code)
    assert client.post(path, {"body": "Xin chào"}).status_code == 403
    assert not RfqMessage.objects.exists()


def test_long_threads_show_the_latest_messages_with_a_link_to_older(b2b):
    for n in range(55):
        rfq_message_post(user=b2b.buyer, rfq=b2b.rfq, cooperative=b2b.rice, body=f"Tin số {n:02d}")
    html = thread(b2b.buyer, b2b.rfq, b2b.rice).content.decode()
    assert "Tin số 54" in html
    assert "Tin số 04" not in html
    assert "?page=1" in html
    older = signed_in(b2b.buyer).get(url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) + "?page=1")
    assert "Tin số 04" in older.content.decode()
    assert (
        signed_in(b2b.buyer).get(url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) + "?page=x").status_code
        == 200
    )


def test_the_thread_costs_the_same_queries_for_2_or_20_messages(b2b):
    client = signed_in(b2b.rice.quoter)
    path = url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code)
    for author in (b2b.buyer, b2b.rice.quoter):
        rfq_message_post(user=author, rfq=b2b.rfq, cooperative=b2b.rice, body="Xin chào")
    client.get(path)
    few = count_queries(client, path)
    for n in range(9):
        for author in (b2b.buyer, b2b.rice.quoter):
            rfq_message_post(user=author, rfq=b2b.rfq, cooperative=b2b.rice, body=f"Tin {n}")
    assert count_queries(client, path) == few
