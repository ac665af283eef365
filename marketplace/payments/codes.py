"""Payment codes: what a buyer types into a bank transfer so we can tell which order it pays.

A code is "HTX" (hợp tác xã) + 7 characters of Crockford base32 without I, L, O and U
(no 0/O or 1/I/L mix-ups) encoding a number below 32**7, + 1 Damm check character over
GF(32). The Damm check catches every single wrong character and every swap of two
neighbours. Banks mangle descriptions (case, marks, spaces, dashes, dots), so
`find_in(text)` looks through all of that and keeps only codes whose check holds.
"""

from anyascii import anyascii

PREFIX = "HTX"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 7
LIMIT = len(ALPHABET) ** BODY_LENGTH
# x**5 + x**2 + 1, irreducible over GF(2): multiplication below happens in GF(32).
_MODULUS = 0b100101
# Damm's quasigroup x∘y = 2·x + y over GF(32) is totally anti-symmetric because 2 ≠ 1.
_A = 2
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def _times(a: int, b: int) -> int:
    """Multiply in GF(32)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _MODULUS
    return product


def _damm(values: list[int]) -> int:
    interim = 0
    for value in values:
        interim = _times(_A, interim) ^ value
    return interim


def make(number: int) -> str:
    """The payment code for `number` (0 ≤ number < 32**7), e.g. a row id or a random 30-bit value."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < LIMIT:
        raise ValueError(f"A payment code encodes an int from 0 to {LIMIT - 1}.")
    values = []
    for _ in range(BODY_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        values.append(digit)
    values.reverse()
    # The check c makes 2·interim + c = 0; in GF(2**k), -x is x.
    check = _times(_A, _damm(values))
    return PREFIX + "".join(ALPHABET[value] for value in [*values, check])


def _fold(text: str) -> str:
    """Upper-case ASCII with Vietnamese marks removed (đ → D)."""
    return anyascii(text).upper()


def _checks(body: str) -> bool:
    return (
        len(body) == BODY_LENGTH + 1
        and all(c in _VALUE for c in body)
        and _damm([_VALUE[c] for c in body]) == 0
    )


def is_valid(code: str) -> bool:
    """True if `code`, ignoring case, marks and punctuation, is one code whose check holds."""
    if not isinstance(code, str):
        return False
    glued = "".join(c for c in _fold(code) if c.isalnum())
    return glued.startswith(PREFIX) and _checks(glued[len(PREFIX) :])


def find_in(text: str) -> list[str]:
    """The valid codes in a bank statement's description, in canonical form, first seen first.

    Separators inside a code are ignored. So that ordinary words after "HTX" (the usual
    abbreviation for a cooperative) are not read as a code, a match must either contain a
    digit or end where a word ends.
    """
    folded = _fold(text)
    kept = [(c, i) for i, c in enumerate(folded) if c.isalnum()]
    glued = "".join(c for c, _ in kept)
    found: list[str] = []
    start = glued.find(PREFIX)
    while start != -1:
        body = glued[start + len(PREFIX) : start + len(PREFIX) + BODY_LENGTH + 1]
        if _checks(body):
            after = kept[start + len(PREFIX) + BODY_LENGTH][1] + 1
            at_word_end = after == len(folded) or not folded[after].isalnum()
            code = PREFIX + body
            if (at_word_end or any(c.isdigit() for c in body)) and code not in found:
                found.append(code)
        start = glued.find(PREFIX, start + 1)
    return found


def number_of(code: str) -> int:
    """The number a valid code encodes; ValueError if the code is not valid."""
    if not is_valid(code):
        raise ValueError("Not a valid payment code.")
    body = "".join(c for c in _fold(code) if c.isalnum())[len(PREFIX) : len(PREFIX) + BODY_LENGTH]
    number = 0
    for char in body:
        number = number * len(ALPHABET) + _VALUE[char]
    return number
