from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import FitsNumeric, SingleLine, fits_numeric

from . import rules


class EntryForm(FlaskForm):
    value = DecimalField(_l("得分或填报值"), places=2, validators=[Optional(), FitsNumeric(12, 2)])
    reason = StringField(_l("理由"), validators=[Optional(), Length(max=500), SingleLine()])


class ItemForm(FlaskForm):
    category = StringField(_l("类别"), validators=[DataRequired(_l("请填写类别")), Length(max=50), SingleLine()])
    name = StringField(_l("考核项目"), validators=[DataRequired(_l("请填写项目名称")), Length(max=100), SingleLine()])
    kind = SelectField(_l("计分方式"), choices=[SelectChoice(c, _l(label)) for c, label in rules.KINDS.items()])
    metric = SelectField(
        _l("计算指标或否决条件"),
        choices=[SelectChoice("", _l("（无）"))]
        + [SelectChoice(c, _l(label)) for c, label in rules.METRIC_LABELS.items()]
        + [SelectChoice(c, _l(label)) for c, label in rules.VETOES.items()]
        + [SelectChoice("manual", _l("人工认定的否决"))],
    )
    max_points = DecimalField(_l("满分"), places=1, validators=[InputRequired(_l("请填写满分")), FitsNumeric(5, 1), NumberRange(min=0, max=100)])
    target = DecimalField(_l("满分标准（可选）"), places=2, validators=[Optional(), FitsNumeric(8, 2)])
    brackets = StringField(_l("分档（门槛:得分；…）"), validators=[Optional(), Length(max=200), SingleLine()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请说明理由")), Length(max=1000)])


class TiersForm(FlaskForm):
    tiers = TextAreaField(_l("等次（每行：名称,最低分,站长补贴,副站长补贴）"), validators=[DataRequired(_l("请填写等次"))])

    def validate_tiers(self, field):
        try:
            self.parsed = parse_tiers(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def parse_tiers(text: str) -> list[dict]:
    tiers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) != 4:
            raise ValueError(f"第 {number} 行应为：名称,最低分,站长补贴,副站长补贴")
        try:
            name, minimum, chief, deputy = parts[0], *(Decimal(p) for p in parts[1:])
        except InvalidOperation as exc:
            raise ValueError(f"第 {number} 行的分数或金额不是数字") from exc
        if len(name) > 20:  # GradingTier.name
            raise ValueError(f"第 {number} 行：等次名称最长 20 个字")
        if not all(value.is_finite() for value in (minimum, chief, deputy)):
            raise ValueError(f"第 {number} 行的分数或金额不是数字")
        if not (fits_numeric(chief, 10, 2) and fits_numeric(deputy, 10, 2)):  # GradingTier's Money columns
            raise ValueError(f"第 {number} 行：补贴不能超过 99,999,999.99 元")
        if not 0 <= minimum <= 100 or chief < 0 or deputy < 0:
            raise ValueError(f"第 {number} 行：最低分应在 0–100 之间，补贴不能为负数")
        tiers.append({"name": name, "min_score": minimum, "chief_stipend": chief, "deputy_stipend": deputy})
    if not tiers:
        raise ValueError("请至少填写一个等次")
    return tiers
