"""Amounts in Vietnamese words, read by the rules a bank teller would use."""

import pytest

from marketplace.payments.words import vnd_in_words

CASES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (55, "Năm mươi lăm đồng"),
    (99, "Chín mươi chín đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (999, "Chín trăm chín mươi chín đồng"),
    (1000, "Một nghìn đồng"),
    (1001, "Một nghìn không trăm linh một đồng"),
    (1010, "Một nghìn không trăm mười đồng"),
    (1015, "Một nghìn không trăm mười lăm đồng"),
    (1100, "Một nghìn một trăm đồng"),
    (2024, "Hai nghìn không trăm hai mươi tư đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (250_500, "Hai trăm năm mươi nghìn năm trăm đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (1_943_000, "Một triệu chín trăm bốn mươi ba nghìn đồng"),
    (10_050_000, "Mười triệu không trăm năm mươi nghìn đồng"),
    (
        999_999_999,
        "Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng",
    ),
    (1_000_000_000, "Một tỷ đồng"),
    (1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"),
    (2_000_000_005, "Hai tỷ không trăm linh năm đồng"),
    (21_500_000_000, "Hai mươi mốt tỷ năm trăm triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
    (10**15, "Một triệu tỷ đồng"),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_reads_amount_in_vietnamese(amount, words):
    assert vnd_in_words(amount) == words


@pytest.mark.parametrize("bad", [-1, 10**15 + 1, 1.5, 1000.0, True, "1000", None])
def test_refuses_what_is_not_a_whole_amount_in_range(bad):
    with pytest.raises(ValueError, match="int from 0"):
        vnd_in_words(bad)
