"""Validators shared by the forms of every area (app/forms.py), and that every form field uses them."""
import datetime as dt
import importlib
import inspect
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, Form, IntegerField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.forms import MAX_ID, Count, FitsNumeric, InDateRange, SingleLine, fits_numeric, largest_numeric, record_id

D = Decimal


@pytest.mark.parametrize("value, fits", [
    ("0", True), ("-0.01", True), ("9999999999.99", True), ("-9999999999.99", True), ("0.001", True),
    ("9999999999.994", True),     # rounds down to the largest value
    ("9999999999.995", False),    # rounds up past it
    ("10000000000", False), ("1e30", False), ("9" * 60, False), ("1E+999999999", False), ("1E-999999999", True),
    ("NaN", False), ("sNaN", False), ("Infinity", False), ("-Infinity", False),
])
def test_what_a_numeric_12_2_column_holds(value, fits):
    assert fits_numeric(D(value), 12, 2) is fits


def test_the_largest_value_of_a_column():
    assert largest_numeric(12, 2) == D("9999999999.99") and largest_numeric(5, 1) == D("9999.9")


class AmountForm(Form):
    amount = DecimalField(validators=[InputRequired(), FitsNumeric(12, 2), NumberRange(min=0)])
    count = IntegerField(validators=[Optional(), Count()])
    day = DateField(validators=[Optional(), InDateRange()])
    name = StringField(validators=[Optional(), SingleLine()])


def errors_of(**data):
    form = AmountForm(formdata=MultiDict({"amount": "1", **data}))
    form.validate()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "-inf"])
def test_a_number_that_is_not_finite_is_refused_before_it_is_compared(value):
    assert errors_of(amount=value) == {"amount": ["请填写有效的数字"]}


@pytest.mark.parametrize("value", ["1e30", "-1e30", "9" * 60, "1E+999999999", "10000000000"])
def test_an_amount_beyond_the_column_is_refused(value):
    assert errors_of(amount=value) == {"amount": ["数值超出范围，应在 ±9,999,999,999.99 之内"]}


@pytest.mark.parametrize("value, errors", [
    ("10000000", {}), ("10000001", {"count": ["数值过大，不能超过 1000 万"]}), ("2147483648", {"count": ["数值过大，不能超过 1000 万"]}),
    ("9" * 60, {"count": ["数值过大，不能超过 1000 万"]}), ("-1", {"count": ["不能为负数"]}), ("0", {}),
])
def test_a_count_is_a_whole_number_up_to_ten_million(value, errors):
    assert errors_of(count=value) == errors


@pytest.mark.parametrize("value, ok", [("1900-01-01", True), ("2100-12-31", True), ("1899-12-31", False), ("9999-12-31", False),
                                       ("0001-01-01", False)])
def test_a_date_is_between_1900_and_2100(value, ok):
    assert errors_of(day=value) == ({} if ok else {"day": ["日期应在 1900 年至 2100 年之间"]})


@pytest.mark.parametrize("value", ["一\r\n二", "a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x85b"])
def test_a_name_is_one_line(value):
    assert errors_of(name=value) == {"name": ["只能填写一行，不能换行"]}


def test_a_name_may_hold_spaces_and_tabs():
    assert errors_of(name="三星镇\t机械 行业") == {}


@pytest.mark.parametrize("value, record", [("7", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), 0), ("9" * 60, 0), ("0", 0), ("-1", 0),
                                           ("abc", 0), ("", 0), (None, 0), (12, 12)])
def test_a_selected_record_id_is_one_the_database_can_compare_or_none(value, record):
    assert record_id(value) == record


# Every form of every area uses them -----------------------------------------------------------------------

AREAS = ("auth", "checklist", "delegation", "grading", "reduction", "stations")
NOT_SINGLE_LINE = {("LoginForm", "username")}  # a refused login says so; nothing it sends is stored


def form_fields():
    for area in AREAS:
        module = importlib.import_module(f"app.{area}.forms")
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, FlaskForm) and form.__module__ == module.__name__:
                for name, unbound in vars(form).items():
                    if isinstance(unbound, UnboundField):
                        yield f"{area}.{form_name}.{name}", form_name, name, unbound


def validator_types(unbound):
    return [type(v) for v in unbound.kwargs.get("validators") or ()]


def test_every_decimal_field_fits_its_column_before_any_range_is_checked():
    for label, _, _, unbound in form_fields():
        if issubclass(unbound.field_class, DecimalField):
            kinds = validator_types(unbound)
            assert FitsNumeric in kinds, f"{label} has no FitsNumeric"
            if NumberRange in kinds:
                assert kinds.index(FitsNumeric) < kinds.index(NumberRange), f"{label}: FitsNumeric must come before NumberRange"


def test_every_integer_field_is_bounded_above():
    for label, _, _, unbound in form_fields():
        if issubclass(unbound.field_class, IntegerField):
            bounded = any(isinstance(v, Count) or (isinstance(v, NumberRange) and v.max is not None)
                          for v in unbound.kwargs.get("validators") or ())
            assert bounded, f"{label} has no upper bound"


def test_every_date_field_is_within_the_years_a_form_accepts():
    for label, _, _, unbound in form_fields():
        if issubclass(unbound.field_class, DateField):
            assert InDateRange in validator_types(unbound), f"{label} has no InDateRange"


def test_every_one_line_text_field_refuses_line_breaks():
    for label, form_name, name, unbound in form_fields():
        if unbound.field_class is StringField and (form_name, name) not in NOT_SINGLE_LINE:
            assert SingleLine in validator_types(unbound), f"{label} has no SingleLine"


def test_every_select_of_records_the_form_does_not_check_coerces_to_a_comparable_id():
    for label, _, _, unbound in form_fields():
        if unbound.kwargs.get("validate_choice") is False:
            assert unbound.kwargs.get("coerce") is record_id, f"{label} should coerce with record_id"


def test_the_range_of_dates_is_what_the_message_says():
    from app.forms import FIRST_DAY, LAST_DAY

    assert (FIRST_DAY, LAST_DAY) == (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
