"""The message thread between an RFQ's buyer and one cooperative: who may write, masking, emails."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.models import RfqMessage
from marketplace.services.quotes import mask_contacts, quote_accept, rfq_message_post
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "contact",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "0912345678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "(024) 3825 1234",
        "0 9 1 2 3 4 5 6 7 8",
        "lan.nguyen@sieuthi.vn",
        "lan_nguyen+rfq@mail.example.com",
        "lan @ gmail.com",
        "lan (at) gmail (dot) com",
        "lan[at]gmail[dot]com",
        "zalo.me/0912345678",
    ],
)
def test_contacts_are_masked_however_they_are_written(contact):
    masked = mask_contacts(f"Liên hệ {contact} nhé.")
    assert masked.startswith("Liên hệ ")
    assert masked.endswith(" nhé.")
    assert not any(part in masked for part in ("912", "345", "3825", "gmail", "sieuthi", "example"))


@pytest.mark.parametrize(
    "text",
    [
        "Giá 18.500.000 đồng một tấn, 100.000.000 cho cả lô.",
        "Giao 10 tấn ngày 05/12/2025, độ ẩm 14,5%.",
        "Mã lô 2025-12-05, hợp đồng số 12/2025/HĐ.",
        "Gạo ST25 đạt VietGAP; xem www.htx-gao.vn để biết thêm.",
    ],
)
def test_prices_dates_and_plain_text_stay_as_written(text):
    assert mask_contacts(text) == text


def test_messages_are_masked_until_the_cooperatives_quote_is_accepted_then_not(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    before = rfq_message_post(
        user=trade.buyer, rfq=trade.rfq, cooperative=trade.rice, body="Gọi 0912 345 678, email lan@sieuthi.vn"
    )
    assert "0912" not in before.body
    assert "lan@sieuthi.vn" not in before.body
    assert before.from_buyer

    quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())
    after = rfq_message_post(
        user=trade.rice.quoter, rfq=trade.rfq, cooperative=trade.rice, body="Kho: 0243 825 1234, kho@htx.vn"
    )
    assert after.body == "Kho: 0243 825 1234, kho@htx.vn"
    assert not after.from_buyer
    # The message stored before acceptance stays masked.
    assert "0912" not in RfqMessage.objects.get(pk=before.pk).body


def test_another_cooperatives_accepted_quote_does_not_unmask_this_thread(trade):
    quote_accept(user=trade.buyer, quote=qf.quote(trade.rfq, trade.tea), shipping=mf.address())
    message = rfq_message_post(user=trade.buyer, rfq=trade.rfq, cooperative=trade.rice, body="0912 345 678")
    assert "0912" not in message.body


def test_only_the_two_sides_write_and_only_where_a_thread_may_exist(trade):
    invited_only = rfqs.rfq(trade.buyer, visibility="invited", invite=[trade.rice])
    outsiders = [factories.user(), trade.tea.quoter]
    for someone in outsiders:
        with pytest.raises(PermissionDenied):
            rfq_message_post(user=someone, rfq=invited_only, cooperative=trade.rice, body="Xin chào")
    # Not invited and no quote: no thread, even for the buyer.
    with pytest.raises(PermissionDenied):
        rfq_message_post(user=trade.buyer, rfq=invited_only, cooperative=trade.tea, body="Xin chào")
    assert not RfqMessage.objects.exists()
    rfq_message_post(user=trade.buyer, rfq=invited_only, cooperative=trade.rice, body="Xin chào")
    rfq_message_post(user=trade.rice.quoter, rfq=invited_only, cooperative=trade.rice, body="Chào anh")
    assert RfqMessage.objects.count() == 2


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001, "a\x00b"])
def test_empty_long_or_unsavable_messages_are_refused(trade, body):
    with pytest.raises(ValidationError):
        rfq_message_post(user=trade.buyer, rfq=trade.rfq, cooperative=trade.rice, body=body)
    assert not RfqMessage.objects.exists()


def test_the_other_side_is_told_after_commit(trade, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rfq_message_post(user=trade.buyer, rfq=trade.rfq, cooperative=trade.rice, body="Cho xin mẫu")
    assert [mail.to for mail in mailoutbox] == [[trade.rice.quoter.email]]
    # The cooperative is not told who the buyer is.
    assert trade.buyer.email not in mailoutbox[0].body + mailoutbox[0].subject
    # Each side is sent where it answers: the cooperative to the admin's RFQ screen, the buyer to the thread.
    assert mailoutbox[0].body.endswith(f"/admin/marketplace/rfqs/{trade.rfq.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        rfq_message_post(user=trade.rice.quoter, rfq=trade.rfq, cooperative=trade.rice, body="Gửi ngay")
    assert mailoutbox[1].to == [trade.buyer.email]
    assert mailoutbox[1].body.endswith(f"/cung-cau/{trade.rfq.pk}/tin-nhan/{trade.rice.tax_code}/")
