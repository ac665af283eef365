"""Resolve what people type for a province to one of the 34 current provinces.

Accepted everywhere a province is asked for (forms, imports, API filters):
- the official code, with or without its leading zero ("8", "08");
- the name, with or without diacritics or the "Tỉnh"/"Thành phố" prefix;
- a pre-2025 province's name or code, which resolves to its successor
  ("Hải Dương" → Hải Phòng, "Sóc Trăng" → Cần Thơ).
"""

import re
from functools import cache

from django.utils.translation import gettext as _

from .former_provinces import ALIASES
from .models import FormerProvince, Province, Ward
from .text import fold

_PREFIXES = re.compile(r"^(tinh|thanh pho|tp)\s+")


class UnknownProvince(ValueError):
    pass


class UnknownWard(ValueError):
    pass


def _name_key(name: str) -> str:
    return _PREFIXES.sub("", fold(name)).replace(" ", "")


@cache
def _province_lookup() -> dict[str, str]:
    """Folded names and codes → current province code. Places change only by migration."""
    lookup: dict[str, str] = {}
    for code, successor_code, name in FormerProvince.objects.values_list("code", "successor_id", "name"):
        lookup[code] = successor_code
        lookup[_name_key(name)] = successor_code
    for code, name, full_name in Province.objects.values_list("code", "name", "full_name"):
        lookup[code] = code
        lookup[_name_key(name)] = code
        lookup[_name_key(full_name)] = code
    for alias, code in ALIASES.items():
        lookup[alias.replace(" ", "")] = code
    return lookup


def province_code_for(value) -> str:
    """The current province code for a code or name; raises UnknownProvince."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise UnknownProvince(_("Enter a province code or name."))
    lookup = _province_lookup()
    key = text.zfill(2) if text.isdigit() and len(text) <= 2 else _name_key(text)
    try:
        return lookup[key]
    except KeyError:
        raise UnknownProvince(
            _(
                "“%(value)s” is not a province. Use an official code such as 01 or 79, or a name such as Hà Nội."
            )
            % {"value": text[:80]}
        ) from None


@cache
def _provinces_by_code() -> dict[str, Province]:
    return {p.code: p for p in Province.objects.all()}


def resolve_province(value) -> Province:
    """The current Province for a code or name (see module docstring)."""
    return _provinces_by_code()[province_code_for(value)]


def resolve_ward(value, *, province: Province) -> Ward:
    """A ward or commune of `province` by code or name (diacritics optional)."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise UnknownWard(_("Enter a ward or commune."))
    wards = Ward.objects.filter(province=province)
    if text.isdigit():
        ward = wards.filter(code=text.zfill(5)).first()
    else:
        wanted = _ward_key(text)
        ward = next(
            (w for w in wards.only("code", "name", "province_id") if _ward_key(w.name) == wanted), None
        )
    if ward is None:
        raise UnknownWard(
            _("“%(value)s” is not a ward or commune of %(province)s.")
            % {"value": text[:80], "province": province.name}
        )
    return ward


def _ward_key(name: str) -> str:
    return re.sub(r"^(xa|phuong|dac khu)\s+", "", fold(name)).replace(" ", "")


def clear_caches() -> None:
    _province_lookup.cache_clear()
    _provinces_by_code.cache_clear()
