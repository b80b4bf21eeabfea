from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app import clock
from app.forms import Count, FitsNumeric, InDateRange, SingleLine

from . import rules

PHONE = Regexp(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)?$", message=_l("请填写手机号或带区号的座机号"))


def _choices(mapping):
    return [SelectChoice(code, _l(label)) for code, label in mapping.items()]


class StationForm(FlaskForm):
    name = StringField(_l("工作站名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100), SingleLine()])
    mode = SelectField(_l("模式"), choices=_choices(rules.MODES))
    coverage = StringField(_l("覆盖的行业或区域"), validators=[Length(max=200), SingleLine()])
    host_enterprise = StringField(_l("依托企业"), validators=[Length(max=200), SingleLine()])
    status = SelectField(_l("状态"), choices=_choices(rules.STATUSES))


class PersonForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=50), SingleLine()])
    role = SelectField(_l("职务"), choices=_choices(rules.ROLES))
    source = SelectField(_l("人员来源"), choices=_choices(rules.SOURCES))
    phone = StringField(_l("联系电话"), validators=[Optional(), SingleLine(), PHONE])
    started_on = DateField(_l("任职日期"), validators=[InputRequired(_l("请填写任职日期")), InDateRange()])
    username = StringField(_l("关联登录账号（可选）"), validators=[Optional(), Length(max=64), SingleLine()])


class EndRoleForm(FlaskForm):
    ended_on = DateField(_l("离任日期"), validators=[InputRequired(_l("请填写离任日期")), InDateRange()])


class EnterpriseForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(_l("请填写企业名称")), Length(max=200), SingleLine()])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(_l("请填写统一社会信用代码")), Length(max=40), SingleLine()])
    industry = StringField(_l("所属行业"), validators=[Length(max=100), SingleLine()])
    workers = IntegerField(_l("职工人数"), validators=[InputRequired(_l("请填写职工人数")), Count()])
    members = IntegerField(_l("工会会员人数"), validators=[Optional(), Count()])
    union_chair = StringField(_l("工会主席"), validators=[Length(max=50), SingleLine()])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), SingleLine(), PHONE])


class MoveForm(FlaskForm):
    station_id = SelectField(_l("调入工作站"), coerce=int)
    moved_on = DateField(_l("调整日期"), validators=[InputRequired(_l("请填写日期")), InDateRange()])


class ImportForm(FlaskForm):
    file = FileField(_l("Excel 文件（.xlsx）"))


class BudgetForm(FlaskForm):
    amount = DecimalField(_l("年度预算（元）"), places=2, validators=[InputRequired(_l("请填写金额")), FitsNumeric(12, 2), NumberRange(min=0, message=_l("不能为负数"))])


class ExpenseForm(FlaskForm):
    spent_on = DateField(_l("支出日期"), validators=[InputRequired(_l("请填写日期")), InDateRange()])
    amount = DecimalField(_l("金额（元）"), places=2, validators=[InputRequired(_l("请填写金额")), FitsNumeric(12, 2), NumberRange(min=0.01, message=_l("金额应大于 0"))])
    category = SelectField(_l("类别"), choices=_choices(rules.EXPENSE_CATEGORIES))
    description = StringField(_l("说明"), validators=[Length(max=300), SingleLine()])
    receipt = FileField(_l("票据（可选）"))
    confirm_overspend = BooleanField(_l("我确认这笔支出超出预算"))


class SettingsForm(FlaskForm):
    default_station_budget = DecimalField(
        _l("工作站默认年度经费（元）"), places=2,
        validators=[InputRequired(_l("请填写金额")), FitsNumeric(12, 2), NumberRange(min=0, message=_l("不能为负数"))],
    )
    time_zone = SelectField(_l("时区"), choices=[SelectChoice(code, label) for code, label in clock.ZONES.items()], validators=[Optional()])
