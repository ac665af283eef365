"""VietQR payloads, checked byte for byte against published examples and round-tripped."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments import vietqr

# Published in the README of xuannghia/vietnam-qr-pay (the npm `vietnam-qr-pay` package),
# README.md, "VietQR Động" and "build() method": ACB (BIN 970416), account 257678859.
PUBLISHED_BUILDS = [
    (
        {"bank_bin": "970416", "account": "257678859", "amount": 10000, "purpose": "Chuyen tien"},
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045405100005802VN62150811Chuyen tien630453E6",
    ),
    (
        {"bank_bin": "970416", "account": "257678859", "amount": 999999, "purpose": "Cam on nhe"},
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "530370454069999995802VN62140810Cam on nhe6304E786",
    ),
    (
        # Same README, "Decode mã QR".
        {"bank_bin": "970416", "account": "257678859", "amount": 1000, "purpose": "Chuyen tien"},
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "5303704540410005802VN62150811Chuyen tien6304BBB8",
    ),
]

# NAPAS IBFT v1.5.2 examples as quoted by binhnguyenduc/vietqr-ts:
# tests/compliance/napas-dynamic-account.test.ts (with a bill number, 62/01, which we do not
# build) and tests/unit/utils/crc.test.ts (static, no amount).
NAPAS_DYNAMIC = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)
NAPAS_STATIC = (
    "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5"
)


def test_crc_matches_the_standard_check_value():
    assert vietqr.crc16_ccitt_false("123456789") == "29B1"


@pytest.mark.parametrize(("fields", "payload"), PUBLISHED_BUILDS)
def test_build_matches_published_payload(fields, payload):
    assert vietqr.build(**fields) == payload


@pytest.mark.parametrize(("fields", "payload"), PUBLISHED_BUILDS)
def test_parse_reads_published_payload(fields, payload):
    parsed = vietqr.parse(payload)
    assert {key: parsed[key] for key in fields} == fields
    assert parsed["38"]["02"] == "QRIBFTTA"


def test_parse_reads_napas_dynamic_example_with_a_bill_number():
    parsed = vietqr.parse(NAPAS_DYNAMIC)
    assert parsed["bank_bin"] == "970403"
    assert parsed["account"] == "0011012345678"
    assert parsed["amount"] == 180000
    assert parsed["62"] == {"01": "NPS6869", "08": "thanh toan don hang"}
    assert parsed["63"] == "2E2E"


def test_napas_static_example_has_a_right_crc_but_a_miscounted_field():
    # As printed, its beneficiary (38/01) declares 27 characters but holds 26, so the CRC
    # holds and the nested TLV does not: the parser must say so rather than read nonsense.
    assert vietqr.crc16_ccitt_false(NAPAS_STATIC[:-4]) == "F4E5"
    with pytest.raises(ValueError, match="Malformed"):
        vietqr.parse(NAPAS_STATIC)


@pytest.mark.parametrize("payload", [NAPAS_DYNAMIC, PUBLISHED_BUILDS[0][1]])
def test_parse_refuses_a_changed_crc(payload):
    wrong = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    with pytest.raises(ValueError, match="Bad CRC"):
        vietqr.parse(wrong)


def test_parse_refuses_a_changed_character():
    payload = PUBLISHED_BUILDS[0][1].replace("10000", "90000")
    with pytest.raises(ValueError, match="Bad CRC"):
        vietqr.parse(payload)


@pytest.mark.parametrize(
    "body",
    [
        "000201010",  # a field cut short
        "00020101021238xx",  # a length that is not digits
        "000201000201",  # a tag twice
    ],
)
def test_parse_refuses_malformed_tlv_even_with_a_right_crc(body):
    payload = body + "6304"
    payload += vietqr.crc16_ccitt_false(payload)
    with pytest.raises(ValueError, match=r"Malformed|cut short|twice"):
        vietqr.parse(payload)


def test_parse_refuses_a_payload_without_crc():
    with pytest.raises(ValueError, match="CRC field"):
        vietqr.parse("000201")


def test_vietnamese_marks_in_the_purpose_are_folded():
    payload = vietqr.build(bank_bin="970416", account="257678859", amount=10000, purpose="Chuyển  tiền")
    assert payload == PUBLISHED_BUILDS[0][1]


GOOD = {"bank_bin": "970416", "account": "257678859", "amount": 10000, "purpose": "HTX03NQK8N1"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bank_bin": "97041"}, "BIN"),
        ({"bank_bin": "97041A"}, "BIN"),
        ({"bank_bin": 970416}, "BIN"),
        ({"account": ""}, "account"),
        ({"account": "1" * 20}, "account"),
        ({"account": "0011-0019"}, "account"),
        ({"amount": 0}, "positive"),
        ({"amount": -5}, "positive"),
        ({"amount": 10**13}, "13 digits"),
        ({"amount": 10000.0}, "never a float"),
        ({"amount": True}, "never a float"),
        ({"amount": "10000"}, "never a float"),
        ({"purpose": ""}, "empty"),
        ({"purpose": "x" * 26}, "at most 25"),
        ({"purpose": "bell\x07"}, "printable"),
        ({"purpose": None}, "text"),
    ],
)
def test_build_refuses_bad_input(change, message):
    with pytest.raises(ValueError, match=message):
        vietqr.build(**{**GOOD, **change})


def test_largest_amount_and_account_fit():
    payload = vietqr.build(bank_bin="970416", account="A" * 19, amount=10**13 - 1, purpose="x" * 25)
    parsed = vietqr.parse(payload)
    assert parsed["amount"] == 10**13 - 1
    assert parsed["account"] == "A" * 19


def test_tlv_refuses_a_value_over_99_characters():
    with pytest.raises(ValueError, match="at most 99"):
        vietqr.tlv("62", "x" * 100)


printable_words = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=6
)


@given(
    bank_bin=st.from_regex(r"\d{6}", fullmatch=True),
    account=st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True),
    amount=st.integers(min_value=1, max_value=10**13 - 1),
    purpose=st.lists(printable_words, min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda text: len(text) <= 25),
)
def test_build_then_parse_gives_back_the_inputs(bank_bin, account, amount, purpose):
    parsed = vietqr.parse(vietqr.build(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose))
    assert (parsed["bank_bin"], parsed["account"], parsed["amount"], parsed["purpose"]) == (
        bank_bin,
        account,
        amount,
        purpose,
    )
    assert (parsed["00"], parsed["01"], parsed["53"], parsed["58"]) == ("01", "12", "704", "VN")
