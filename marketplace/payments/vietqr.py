"""VietQR payloads: the EMVCo string a bank app scans to pay a cooperative by NAPAS 247 transfer.

`build(...)` makes the merchant-presented payload for a transfer to a bank account with a
fixed amount and our payment code as the transfer's purpose; `parse(payload)` reads any
such string back (checking its CRC), so tests can round-trip and published examples can be
checked. Pure functions: no Django, no network.
"""

import re

from anyascii import anyascii

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_PURPOSE = 25
MAX_AMOUNT_DIGITS = 13

# Templates whose value is itself a TLV list; parse() opens them.
_NESTED = {"38", "62"}
_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xor-out) as 4 hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: str) -> str:
    """One EMVCo field: two-digit tag, two-digit length, value."""
    if len(value) > 99:
        raise ValueError(f"Field {tag} is {len(value)} characters long; at most 99 fit.")
    return f"{tag}{len(value):02d}{value}"


def clean_purpose(purpose: str) -> str:
    """Fold Vietnamese marks to ASCII (bank apps mangle them), collapse spaces, check the length."""
    if not isinstance(purpose, str):
        raise ValueError("The purpose must be text.")
    folded = " ".join(anyascii(purpose).split())
    if not folded:
        raise ValueError("The purpose must not be empty: it carries the payment code.")
    if not folded.isascii() or not folded.isprintable():
        raise ValueError("The purpose must be printable text.")
    if len(folded) > MAX_PURPOSE:
        raise ValueError(f"The purpose is {len(folded)} characters long; at most {MAX_PURPOSE} fit.")
    return folded


def _check_amount(amount: int) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError("The amount must be a whole number of đồng (an int, never a float).")
    if amount <= 0:
        raise ValueError("The amount must be positive.")
    digits = str(amount)
    if len(digits) > MAX_AMOUNT_DIGITS:
        raise ValueError(f"The amount has more than {MAX_AMOUNT_DIGITS} digits.")
    return digits


def build(*, bank_bin: str, account: str, amount: int, purpose: str) -> str:
    """The dynamic VietQR payload for transferring `amount` đồng to `account` at bank `bank_bin`."""
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise ValueError("The bank BIN must be exactly 6 digits.")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise ValueError("The account number must be 1 to 19 letters or digits.")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    body = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", merchant)
        + tlv("53", CURRENCY_VND)
        + tlv("54", _check_amount(amount))
        + tlv("58", COUNTRY_VN)
        + tlv("62", tlv("08", clean_purpose(purpose)))
        + "6304"
    )
    return body + crc16_ccitt_false(body)


def parse_tlv(data: str) -> dict[str, str]:
    """Split a TLV string into {tag: value}; ValueError if it is cut short or malformed."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(data):
        header = data[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValueError(f"Malformed field header at position {position}.")
        tag, length = header[:2], int(header[2:])
        value = data[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ValueError(f"Field {tag} is cut short.")
        if tag in fields:
            raise ValueError(f"Field {tag} appears twice.")
        fields[tag] = value
        position += 4 + length
    return fields


def parse(payload: str) -> dict:
    """Read a VietQR payload back into a dict of fields, with nested 38 and 62 opened.

    The CRC is checked first. Field 38's beneficiary (sub-field 01) is opened too, and the
    handy keys `bank_bin`, `account`, `amount` (an int) and `purpose` are added when present.
    """
    if not isinstance(payload, str) or len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("The payload does not end with a CRC field (6304 + 4 hex digits).")
    expected = crc16_ccitt_false(payload[:-4])
    if payload[-4:].upper() != expected:
        raise ValueError(f"Bad CRC: the payload says {payload[-4:]}, its content gives {expected}.")
    fields: dict = parse_tlv(payload)
    for tag in _NESTED & fields.keys():
        fields[tag] = parse_tlv(fields[tag])
    merchant = fields.get("38", {})
    if "01" in merchant:
        merchant["01"] = parse_tlv(merchant["01"])
        fields["bank_bin"] = merchant["01"].get("00")
        fields["account"] = merchant["01"].get("01")
    if "54" in fields:
        if not fields["54"].isdigit():
            raise ValueError("The amount is not a whole number of đồng.")
        fields["amount"] = int(fields["54"])
    if "08" in fields.get("62", {}):
        fields["purpose"] = fields["62"]["08"]
    return fields
