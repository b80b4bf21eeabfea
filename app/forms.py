"""Validators shared by the forms of every area: numbers their columns hold, dates in a sane range, one-line text.

Each refuses, with a message in Chinese, a value that the database or the arithmetic after the form cannot take
(NaN cannot be compared, 1E+999999999 cannot be stored, 9999-12-31 has no day after it)."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# Head counts, delegates, items: far above any real one, far below an INTEGER column's 2**31 - 1 (and their sums too).
MAX_COUNT = 10_000_000
# The largest id a BIGINT (PostgreSQL) or an INTEGER (SQLite) holds: neither can compare a larger one.
MAX_ID = 2**63 - 1
# What splits a line (str.splitlines): a browser's text input sends none of them.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def fits_numeric(value: Decimal, precision: int, scale: int) -> bool:
    """Whether a finite value rounded to `scale` places fits a Numeric(precision, scale) column."""
    if not value.is_finite():
        return False
    digits = precision - scale
    if value.adjusted() >= digits:  # checked first: quantize cannot take a value of a million digits
        return False
    return abs(value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)) < Decimal(10) ** digits  # as PostgreSQL rounds


def largest_numeric(precision: int, scale: int) -> Decimal:
    """The largest value of a Numeric(precision, scale) column: 9999999999.99 for (12, 2)."""
    return Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)


def record_id(value) -> int:
    """`coerce` of a select of records whose choices the service checks (validate_choice=False): the id, or 0,
    which no record has, for anything else (junk, or a number the database cannot compare), so that the
    service's own message ("choose one of ours") answers."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= MAX_ID else 0


class FitsNumeric:
    """A DecimalField's value is a finite number its Numeric(precision, scale) column holds. Put it before
    NumberRange: it stops the chain, and NumberRange cannot compare NaN."""

    def __init__(self, precision: int, scale: int):
        self.precision, self.scale = precision, scale

    def __call__(self, form, field):
        value = field.data
        if value is None:  # empty (Optional/InputRequired say so) or not a number (the field says so)
            return
        if not value.is_finite():
            raise StopValidation(_l("请填写有效的数字"))
        if not fits_numeric(value, self.precision, self.scale):
            raise StopValidation(_l("数值超出范围，应在 ±%(largest)s 之内", largest=f"{largest_numeric(self.precision, self.scale):,}"))


class Count:
    """An IntegerField's value is a whole number from 0 to MAX_COUNT."""

    def __call__(self, form, field):
        if field.data is None:
            return
        if field.data < 0:
            raise StopValidation(_l("不能为负数"))
        if field.data > MAX_COUNT:
            raise StopValidation(_l("数值过大，不能超过 1000 万"))


class InDateRange:
    """A DateField's value is between FIRST_DAY and LAST_DAY: days are added to dates, and dates go into
    years and working-day calendars."""

    def __call__(self, form, field):
        if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
            raise StopValidation(_l("日期应在 1900 年至 2100 年之间"))


class SingleLine:
    """A StringField's value is one line: names go into titles, exports and the names of downloaded files."""

    def __call__(self, form, field):
        if field.data and not LINE_BREAKS.isdisjoint(field.data):
            raise ValidationError(_l("只能填写一行，不能换行"))
