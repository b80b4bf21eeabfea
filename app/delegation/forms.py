from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Count, FitsNumeric, InDateRange, SingleLine, record_id

from . import rules


def _choices(mapping):
    return [SelectChoice(code, _l(label)) for code, label in mapping.items()]


class CaseForm(FlaskForm):
    kind = SelectField(_l("案件类型"), choices=_choices(rules.KINDS))
    source = SelectField(_l("来源"), choices=_choices(rules.SOURCES))
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200), SingleLine()])
    description = TextAreaField(_l("基层诉求与情况说明"), validators=[Optional(), Length(max=5000)])
    enterprise_ids = SelectMultipleField(_l("涉及企业（可多选）"), coerce=record_id, validate_choice=False)


class AcceptForm(FlaskForm):
    due_on = DateField(_l("办理期限（留空按工作日自动计算）"), validators=[Optional(), InDateRange()])


class NoteForm(FlaskForm):
    happened_on = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期")), InDateRange()])
    text = TextAreaField(_l("进展"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("材料（可选）"))


class CloseForm(FlaskForm):
    summary = TextAreaField(_l("办理结果"), validators=[Optional(), Length(max=5000)])
    amount_recovered = DecimalField(_l("追回金额（元）"), places=2, validators=[Optional(), FitsNumeric(12, 2)])
    workers_helped = IntegerField(_l("帮助职工（人）"), validators=[Optional(), Count()])
    agreement_title = StringField(_l("签订的协议"), validators=[Optional(), Length(max=200), SingleLine()])
    workers_covered = IntegerField(_l("覆盖职工（人）"), validators=[Optional(), Count()])
    election_result = TextAreaField(_l("选举结果"), validators=[Optional(), Length(max=5000)])

    def outcome(self) -> dict:
        return {name: self[name].data for name in ("summary", "amount_recovered", "workers_helped", "agreement_title",
                                                   "workers_covered", "election_result")}


class ConfirmCaseForm(FlaskForm):
    rating = SelectField(_l("评价"), coerce=int, choices=[SelectChoice(n, "★" * n) for n in range(5, 0, -1)])
    note = StringField(_l("意见（可选）"), validators=[Optional(), Length(max=500), SingleLine()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请说明理由")), Length(max=2000)])


class DuesForm(FlaskForm):
    entry_on = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期")), InDateRange()])
    kind = SelectField(_l("类型"), choices=_choices(rules.DUES_ENTRY_KINDS))
    amount = DecimalField(_l("金额（元）"), places=2, validators=[InputRequired(_l("请填写金额")), FitsNumeric(12, 2),
                                                                NumberRange(min=0.01, message=_l("金额应大于 0"))])
    note = StringField(_l("摘要"), validators=[Optional(), Length(max=200), SingleLine()])
