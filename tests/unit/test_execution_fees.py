"""The execution fee schedule of art. 14 (一) of the 诉讼费用交纳办法."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconcile.execution_fees import InvalidSchedule, execution_fee, schedule_from, total
from reconcile.settings import load_settings

BANDS = schedule_from(load_settings(environ={}))


@pytest.mark.parametrize(
    ("basis", "fee"),
    [
        ("0.00", "50.00"),
        ("8000.00", "50.00"),
        ("10000.00", "50.00"),
        ("10000.01", "50.00"),  # 0.01 × 1.5% rounds to nothing
        ("10001.00", "50.02"),  # 1.00 × 1.5% = 0.015, half up
        ("500000.00", "7400.00"),
        ("1000000.00", "12400.00"),
        ("5000000.00", "52400.00"),
        ("10000000.00", "77400.00"),
        ("20000000.00", "87400.00"),
    ],
)
def test_the_schedule_of_article_14(basis, fee):
    from reconcile.money import format_yuan, parse_yuan

    assert format_yuan(total(execution_fee(BANDS, parse_yuan(basis)))) == fee


@given(st.integers(0, 10**12), st.integers(0, 10**9))
def test_more_money_never_costs_less_and_each_band_takes_its_share(basis, more):
    parts = execution_fee(BANDS, basis)
    assert total(execution_fee(BANDS, basis + more)) >= total(parts)
    assert sum(p.base for p in parts[1:]) == max(0, basis - BANDS[0].up_to)


def test_a_schedule_that_is_not_one_is_refused():
    def settings(*bands):
        return {"execution_fee": {"bands": list(bands)}}

    with pytest.raises(InvalidSchedule):
        schedule_from(settings({"up_to": "100.00", "rate": "0.01"}, {"rate": "0.01"}))
    with pytest.raises(InvalidSchedule):
        schedule_from(
            settings(
                {"up_to": "100.00", "fixed": "1.00"},
                {"up_to": "50.00", "rate": "0.1"},
                {"rate": "0.1"},
            )
        )
    with pytest.raises(InvalidSchedule):
        schedule_from(
            settings({"up_to": "100.00", "fixed": "1.00"}, {"up_to": "500.00", "rate": "0.1"})
        )
