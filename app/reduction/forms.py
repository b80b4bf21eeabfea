from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Count, InDateRange, SingleLine, record_id

from . import rules


def _choices(mapping):
    return [SelectChoice(code, _l(label)) for code, label in mapping.items()]


class DocumentForm(FlaskForm):
    number = StringField(_l("文号"), validators=[Optional(), Length(max=60), SingleLine()])
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=200), SingleLine()])
    department = StringField(_l("发文部门"), validators=[DataRequired(_l("请填写发文部门")), Length(max=100), SingleLine()])
    issued_on = DateField(_l("发文日期"), validators=[InputRequired(_l("请填写发文日期")), InDateRange()])
    doc_type = SelectField(_l("文件类型"), choices=_choices(rules.DOCUMENT_TYPES))
    has_measures = BooleanField(_l("提出了本级的具体措施（转发文件没有的会被标记）"))
    is_routine = BooleanField(_l("内容为常规工作（简报）"))
    body = TextAreaField(_l("全文"), validators=[Optional()])
    file = FileField(_l("或上传全文（.docx / .txt）"))


class DraftForm(FlaskForm):
    body = TextAreaField(_l("文稿全文"), validators=[Optional()])
    file = FileField(_l("或上传文稿（.docx / .txt）"))


class MeetingForm(FlaskForm):
    title = StringField(_l("会议名称"), validators=[DataRequired(_l("请填写会议名称")), Length(max=200), SingleLine()])
    department = StringField(_l("召开部门"), validators=[DataRequired(_l("请填写召开部门")), Length(max=100), SingleLine()])
    held_on = DateField(_l("会议日期"), validators=[InputRequired(_l("请填写会议日期")), InDateRange()])
    starts_at = TimeField(_l("开始时间"), validators=[Optional()])
    duration_minutes = IntegerField(_l("时长（分钟）"), validators=[InputRequired(_l("请填写时长")), NumberRange(min=1, max=24 * 60, message=_l("时长应在 1–1440 分钟之间"))])
    kind = SelectField(_l("会议类别"), choices=_choices(rules.MEETING_KINDS))
    mode = SelectField(_l("会议形式"), choices=_choices(rules.MEETING_MODES))
    levels_down = SelectField(_l("参会范围"), coerce=int, choices=[SelectChoice(k, _l(v)) for k, v in rules.MEETING_REACH.items()])
    could_be_video = BooleanField(_l("能用视频会议解决"))


class InspectionForm(FlaskForm):
    title = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称")), Length(max=200), SingleLine()])
    department = StringField(_l("牵头部门"), validators=[DataRequired(_l("请填写牵头部门")), Length(max=100), SingleLine()])
    kind = SelectField(_l("类别"), choices=_choices(rules.INSPECTION_KINDS))
    starts_on = DateField(_l("开始日期"), validators=[InputRequired(_l("请填写开始日期")), InDateRange()])
    ends_on = DateField(_l("结束日期"), validators=[InputRequired(_l("请填写结束日期")), InDateRange()])
    items = IntegerField(_l("检查考核事项数"), validators=[InputRequired(_l("请填写事项数")), Count()])
    targets = SelectMultipleField(_l("被检查的下级工会"), coerce=record_id, validate_choice=False)
    scores_paperwork = BooleanField(_l("以留痕多少（台账、材料数量）加分或扣分"))


class OverrideForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请写明理由")), Length(max=1000)])


class CalendarDayForm(FlaskForm):
    first = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期")), InDateRange()])
    last = DateField(_l("至（可选）"), validators=[Optional(), InDateRange()])
    is_workday = SelectField(_l("类型"), choices=[SelectChoice("holiday", _l("法定节假日")), SelectChoice("workday", _l("调休上班日"))])
    name = StringField(_l("名称"), validators=[Optional(), Length(max=40), SingleLine()])
