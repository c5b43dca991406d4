"""The money parser: the forms news uses in English, German and French, and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.classify.amounts import find_money, parse_number
from pipeline.classify.rates import to_usd


@pytest.mark.parametrize(
    ("text", "language", "amount", "currency"),
    [
        ("raised $1.5bn in new money", "en", 1_500_000_000, "USD"),
        ("a €15 million round", "en", 15_000_000, "EUR"),
        ("a £10m seed", "en", 10_000_000, "GBP"),
        ("USD 2 billion", "en", 2_000_000_000, "USD"),
        ("$69mn", "en", 69_000_000, "USD"),
        ("a $235-million round", "en", 235_000_000, "USD"),
        ("it will put two billion euros into the startup", "en", 2_000_000_000, "EUR"),
        ("half a billion dollars", "en", 500_000_000, "USD"),
        ("for 2.065 billion.", "en", 2_065_000_000, None),  # no currency given: none invented
        ("sammelt 1,5 Mrd. Euro ein", "de", 1_500_000_000, "EUR"),
        ("eine halbe Milliarde Dollar", "de", 500_000_000, "USD"),
        ("100 Millionen Euro", "de", 100_000_000, "EUR"),
        ("1,4 Mrd. US-Dollar", "de", 1_400_000_000, "USD"),
        ("lève 15 millions d'euros", "fr", 15_000_000, "EUR"),
        ("lève 105 millions d’euros", "fr", 105_000_000, "EUR"),
        ("un tour de 1,2 milliard d'euros", "fr", 1_200_000_000, "EUR"),
        ("CHF 40 million", "en", 40_000_000, "CHF"),
        # Indian numbering: a crore is ten million rupees, a lakh a hundred thousand
        ("raised Rs 100 crore from", "en", 1_000_000_000, "INR"),
        ("a ₹860 crore outlay", "en", 8_600_000_000, "INR"),
        ("a Rs. 50 lakh grant", "en", 5_000_000, "INR"),
        ("an outlay of 1,500 crore", "en", 15_000_000_000, "INR"),
        ("raised ₩10 billion from", "en", 10_000_000_000, "KRW"),
        ("raised 10 billion won from", "en", 10_000_000_000, "KRW"),
    ],
)
def test_find_money(text: str, language: str, amount: float, currency: str | None) -> None:
    (money,) = find_money(text, language)
    assert money.amount == pytest.approx(amount)
    assert money.currency == currency


@pytest.mark.parametrize(
    "text",
    # "AMD" is no "a" and "md" (a milliard): a word number needs a space before its scale
    [
        "in 2019",
        "8 of 10 startups",
        "Series B",
        "room 101",
        "a 5 m wide hall",
        "acquired by AMD",
        "AMD and Ambarella",
        "the CRS 7 rocket",
        "hours 12",
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    assert find_money(text) == []


def test_several_amounts_in_order_with_positions() -> None:
    text = "It pumps €15 million ($16.3 million) into the startup, valued at $2 billion."
    found = find_money(text)
    assert [(m.amount, m.currency) for m in found] == [(15e6, "EUR"), (16.3e6, "USD"), (2e9, "USD")]
    assert all(text[m.start : m.end].strip() == m.text for m in found)


@pytest.mark.parametrize(
    ("text", "decimal_comma", "value"),
    [
        ("1,500,000", False, 1_500_000),
        ("1.5", False, 1.5),
        ("1,5", False, 1.5),
        ("1.500", True, 1500),
        ("1 500", True, 1500),
        ("2.065", False, 2.065),
        ("12,75", True, 12.75),
    ],
)
def test_parse_number(text: str, decimal_comma: bool, value: float) -> None:
    assert parse_number(text, decimal_comma) == pytest.approx(value)


scales = st.sampled_from([("million", 1e6), ("billion", 1e9), ("M", 1e6), ("bn", 1e9), ("m", 1e6)])
symbols = st.sampled_from([("$", "USD"), ("€", "EUR"), ("£", "GBP")])


@given(whole=st.integers(1, 999), tenths=st.integers(0, 9), scale=scales, symbol=symbols)
def test_english_round_trip(
    whole: int, tenths: int, scale: tuple[str, float], symbol: tuple[str, str]
) -> None:
    written = f"{whole}.{tenths}" if tenths else str(whole)
    space = " " if len(scale[0]) > 2 else ""
    (money,) = find_money(f"The company raised {symbol[0]}{written}{space}{scale[0]} on Tuesday.")
    assert money.amount == pytest.approx((whole + tenths / 10) * scale[1])
    assert money.currency == symbol[1]


@given(
    whole=st.integers(1, 999),
    hundredths=st.integers(1, 99),
    scale=st.sampled_from(
        [
            ("Millionen Euro", 1e6, "de"),
            ("Mrd. Euro", 1e9, "de"),
            ("millions d'euros", 1e6, "fr"),
            ("milliards d'euros", 1e9, "fr"),
        ]
    ),
)
def test_decimal_comma_round_trip(whole: int, hundredths: int, scale: tuple[str, float, str]) -> None:
    (money,) = find_money(f"Das Start-up hat {whole},{hundredths:02d} {scale[0]} eingesammelt.", scale[2])
    assert money.amount == pytest.approx((whole + hundredths / 100) * scale[1])
    assert money.currency == "EUR"


def test_usd_values() -> None:
    assert to_usd(1_000_000, "USD") == 1_000_000
    assert to_usd(1_000_000, "EUR") == pytest.approx(1_155_000)
    assert to_usd(1_000_000, None) is None
    assert to_usd(None, "EUR") is None


def test_won_is_a_currency_only_after_a_sum() -> None:
    assert find_money("the team won 3 games and won 2 awards", "en") == []
