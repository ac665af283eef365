"""Payment codes: every typing slip is caught, and codes are found however a bank mangles them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments import codes

numbers = st.integers(min_value=0, max_value=codes.LIMIT - 1)


def test_a_code_is_prefix_seven_characters_and_a_check():
    code = codes.make(123456789)
    assert code.startswith("HTX")
    assert len(code) == 11
    assert set(code[3:]) <= set(codes.ALPHABET)
    assert not set("ILOU") & set(code[3:])


@given(numbers)
def test_make_then_read_gives_back_the_number(number):
    code = codes.make(number)
    assert codes.is_valid(code)
    assert codes.number_of(code) == number


@given(numbers, st.data())
def test_every_single_wrong_character_is_caught(number, data):
    code = codes.make(number)
    position = data.draw(st.integers(min_value=3, max_value=len(code) - 1))
    for char in codes.ALPHABET:
        if char != code[position]:
            assert not codes.is_valid(code[:position] + char + code[position + 1 :])


@given(numbers)
def test_every_swap_of_neighbours_is_caught(number):
    code = codes.make(number)
    for position in range(len(code) - 1):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        if swapped != code:
            assert not codes.is_valid(swapped)


def test_all_substitutions_and_swaps_of_one_code_exhaustively():
    code = codes.make(123456789)
    changed = [code[:i] + c + code[i + 1 :] for i in range(3, 11) for c in codes.ALPHABET if c != code[i]]
    changed += [
        code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(3, 10) if code[i] != code[i + 1]
    ]
    assert len(changed) == 31 * 8 + 7
    assert not any(codes.is_valid(text) for text in changed)


@pytest.mark.parametrize("bad", [-1, codes.LIMIT, 1.0, True, "5"])
def test_make_refuses_what_it_cannot_encode(bad):
    with pytest.raises(ValueError, match="int from 0"):
        codes.make(bad)


def test_is_valid_ignores_case_and_separators():
    code = codes.make(987654)
    assert codes.is_valid(code.lower())
    assert codes.is_valid(f"{code[:3]}-{code[3:7]} {code[7:]}")
    assert not codes.is_valid(code + "A")
    assert not codes.is_valid(None)
    with pytest.raises(ValueError, match="Not a valid"):
        codes.number_of(code[:-1] + ("0" if code[-1] != "0" else "1"))


CODE = codes.make(0x2ABCDEF)


@pytest.mark.parametrize(
    "template",
    [
        "CK {dashed} thanh toan",
        "{lower}",
        "MBVCB.1234567.{dotted}.CT tu 0011001932418 toi 257678859",
        "Thanh toán đơn hàng {spaced}",
        "IBFT {lower_glued}thanh toan",
        "({code})",
        "ND: {code}, cam on",
    ],
)
def test_find_in_finds_a_code_however_the_bank_mangles_it(template):
    text = template.format(
        code=CODE,
        dashed=f"{CODE[:3]}-{CODE[3:7]} {CODE[7:]}",
        lower=CODE.lower(),
        dotted=".".join(CODE),
        spaced=" ".join([CODE[:3], CODE[3:6], CODE[6:9], CODE[9:]]),
        lower_glued=CODE.lower(),
    )
    assert codes.find_in(text) == [CODE]


def test_find_in_folds_vietnamese_marks_inside_a_code():
    # A phone keyboard set to Telex can turn letters into marked ones; đ is D.
    code = next(codes.make(n) for n in range(10_000) if "D" in codes.make(n)[3:])
    marked = code.replace("D", "đ")
    assert codes.find_in(f"chuyen khoan {marked}") == [code]


def test_find_in_lists_each_code_once_in_order():
    first, second = codes.make(1), codes.make(2)
    assert codes.find_in(f"{second} {first} {second.lower()}") == [second, first]


def test_find_in_rejects_a_code_whose_check_fails():
    broken = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    assert codes.find_in(f"CK {broken} thanh toan") == []


@pytest.mark.parametrize(
    "text",
    [
        "Thanh toán tiền hàng cho HTX Nông nghiệp Tân Lập",
        "HTX Thanh Xanh chuyen khoan tra tien hang thang nay",
        "htx chè shan tuyết sạch bản phìn hồ, hà giang",
        "Hợp tác xã dệt thổ cẩm Mai Châu thanh toán đợt 2",
        "CK cho HTX rau an toan Van Duc ngay 12/11",
    ],
)
def test_find_in_finds_nothing_in_plain_vietnamese(text):
    assert codes.find_in(text) == []
