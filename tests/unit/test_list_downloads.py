"""The lists' CSV lines: text that a spreadsheet would run is guarded, numbers are not."""

from datetime import date
from decimal import Decimal

from api.web.listing import _csv_line


def test_a_negative_amount_stays_a_number_and_formula_text_is_guarded():
    line = _csv_line([Decimal("-5841.74"), "-cmd", "=1+2", date(2026, 11, 3), None, 7])
    assert line == "-5841.74,'-cmd,'=1+2,2026-11-03,,7\r\n"
