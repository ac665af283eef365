"""Amounts in Vietnamese words ("Một triệu hai trăm năm mươi nghìn đồng"), shown beside a VietQR code.

Invoices and transfer slips in Việt Nam write the amount in words as well as figures, and a
buyer checks the two against each other before paying. The reading rules: mốt after mươi,
lăm after mười/mươi, tư after mươi, linh for a missing tens digit, "không trăm" for a
missing hundreds digit inside a number, and groups nghìn, triệu, tỷ (with tỷ repeating
above a billion: "một nghìn tỷ", "một triệu tỷ").
"""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 10**9
LIMIT = 10**15


def _units(tens: int, units: int) -> list[str]:
    if units == 0:
        return []
    if units == 1 and tens >= 2:
        return ["mốt"]
    if units == 4 and tens >= 2:
        return ["tư"]
    if units == 5 and tens >= 1:
        return ["lăm"]
    return [DIGITS[units]]


def _group(number: int, *, inner: bool) -> list[str]:
    """Words for 1..999; `inner` when digits were read before it, so its zeros are said."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    return words + _units(tens, units)


def _below_billion(number: int, *, inner: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = number // scale % 1000
        if group:
            words += _group(group, inner=inner or bool(words))
            words += [name] if name else []
    return words


def _read(number: int, *, inner: bool = False) -> list[str]:
    if number < BILLION:
        return _below_billion(number, inner=inner)
    high, low = divmod(number, BILLION)
    words = [*_read(high, inner=inner), "tỷ"]
    return words + (_below_billion(low, inner=True) if low else [])


def vnd_in_words(amount: int) -> str:
    """`amount` đồng in Vietnamese words, capitalised, ending in "đồng"."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= LIMIT:
        raise ValueError(f"The amount must be an int from 0 to {LIMIT}.")
    words = _read(amount) or [DIGITS[0]]
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]
