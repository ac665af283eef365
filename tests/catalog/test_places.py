import pytest

from catalog.models import FormerProvince, Province, Ward
from catalog.places import UnknownProvince, resolve_province


@pytest.mark.django_db
def test_all_current_units_are_loaded_with_official_codes():
    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    assert FormerProvince.objects.count() == 63
    assert Province.objects.get(code="08").name == "Tuyên Quang"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("8", "08"),
        ("08", "08"),
        ("Tuyên Quang", "08"),
        ("tuyen quang", "08"),
        ("Hải Dương", "31"),
        ("hai duong", "31"),
        ("Tỉnh Hải Dương", "31"),
        ("Sóc Trăng", "92"),
        ("soc trang", "92"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("TP HCM", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("Thừa Thiên Huế", "46"),
        ("Hà Nam", "37"),
        ("Nam Định", "37"),
        ("Bắc Giang", "24"),
        ("Vĩnh Phúc", "25"),
        ("Thái Bình", "33"),
        ("30", "31"),
    ],
)
def test_province_resolves_by_code_or_name_including_former_provinces(value, code):
    assert resolve_province(value).code == code


@pytest.mark.django_db
def test_every_former_province_resolves_to_a_current_one():
    for former in FormerProvince.objects.all():
        assert resolve_province(former.name).code == former.successor_id


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "99", "Atlantis", "1234"])
def test_unknown_province_is_a_clear_error(value):
    with pytest.raises(UnknownProvince):
        resolve_province(value)
