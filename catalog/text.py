"""Vietnamese text helpers shared by places, imports and (later) search.

Folding removes tone and vowel marks and maps đ to d. Unicode NFD alone does
not fold đ, so we use anyascii, which Wagtail already brings.
"""

import re

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII form of Vietnamese text: 'Đồng Văn' -> 'dong van'."""
    return " ".join(_NON_WORD.sub(" ", anyascii(text or "").lower()).split())
