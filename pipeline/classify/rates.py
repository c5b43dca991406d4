"""US-dollar value of one unit of each currency, for ranking deals by size.

Rates are reference rates as of RATES_DATE (mid-market, rounded to 4 significant figures). To refresh,
replace the numbers and the date; `dealpulse classify` output records the amount in its own currency too,
so a stale rate only moves the USD figure, never the amount.
"""

from __future__ import annotations

RATES_DATE = "2026-11-02"

USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.155,
    "GBP": 1.313,
    "CHF": 1.243,
    "JPY": 0.006502,
    "CNY": 0.1404,
    "INR": 0.01126,
    "CAD": 0.7125,
    "AUD": 0.6548,
    "SEK": 0.1052,
    "NOK": 0.09871,
    "DKK": 0.1547,
    "KRW": 0.0006981,
    "SGD": 0.7674,
    "HKD": 0.1287,
    "BRL": 0.1857,
    "ILS": 0.3071,
    "AED": 0.2723,
    "SAR": 0.2666,
}


def to_usd(amount: float | None, currency: str | None) -> float | None:
    if amount is None or currency is None or currency not in USD_PER_UNIT:
        return None
    return round(amount * USD_PER_UNIT[currency], 2)
