"""Telling news from a story told long after the fact. Every sentence here is made up for the test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipeline.classify.retrospective import dates_told, is_retrospective


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("On March 21, 2023, Orvane unveiled Lumen.", [date(2023, 3, 21)]),
        ("Orvane said on 4 June 2024 that it had agreed to buy Quillon.", [date(2024, 6, 4)]),
        ("Orvane hat am 3. März 2025 sein Modell vorgestellt.", [date(2025, 3, 3)]),
        ("Orvane a présenté le 1er février 2022 son assistant.", [date(2022, 2, 1)]),
        ("In January 2023, two months after the launch, Quillon invested.", [date(2023, 1, 31)]),
        ("On Sept. 9, 2021, Orvane raised money.", [date(2021, 9, 9)]),
        # no day and year: a weekday, a date without its year, a year alone, an impossible day
        ("On Tuesday Orvane raised $20 million; on March 3 it hired.", []),
        ("Quillon invested $1 billion in Orvane in 2019.", []),
        ("On February 30, 2023, nothing happened.", []),
        # when a deal was agreed dates the deal, not the news (its closing, months later)
        ("Quillon closed its purchase of Orvane, first announced on 4 June 2024.", []),
        ("Die Übernahme, vereinbart am 3. März 2025, ist abgeschlossen.", []),
    ],
)
def test_the_days_a_text_dates_what_it_tells_on(text: str, told: list[date]) -> None:
    assert dates_told(text) == told


def test_a_lead_dating_its_news_well_before_the_story_is_a_retrospective() -> None:
    lead = "On March 21, 2023, Orvane unveiled Lumen, a family of image models."
    assert is_retrospective(lead, datetime(2026, 3, 1, tzinfo=UTC))
    assert not is_retrospective(lead, datetime(2023, 3, 22, tzinfo=UTC))  # the next day's news
    assert not is_retrospective(lead, datetime(2023, 5, 1))  # weeks later (a naive date is UTC)
    assert is_retrospective(lead, None)  # undated, and dated by day and year
    assert not is_retrospective("Orvane unveiled Lumen on Tuesday.", None)
    # a later date in the lead is the story's own news: "closed on ..."
    both = "Quillon agreed to buy Orvane on 4 June 2024 and closed the deal on 2 December 2026."
    assert not is_retrospective(both, datetime(2026, 12, 3, tzinfo=UTC))
