import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.forms import Count, FitsNumeric, InDateRange, SingleLine

from . import rules

_COUNT = [Optional(), Count()]


class ItemForm(FlaskForm):
    """One checklist item; the template shows only the outcome fields of its task."""

    version = HiddenField()
    title = StringField(_l("活动名称"), validators=[Optional(), Length(max=100), SingleLine()])
    status = SelectField(_l("状态"), choices=[SelectChoice(c, _l(label)) for c, label in rules.STATUSES.items()])
    planned_on = DateField(_l("计划日期"), validators=[Optional(), InDateRange()])
    held_on = DateField(_l("举办日期"), validators=[Optional(), InDateRange()])
    participants = IntegerField(_l("参加人数"), validators=_COUNT)
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])
    agreement_signed = RadioField(
        _l("是否签订集体合同"), choices=[SelectChoice("", _l("未填")), SelectChoice("yes", _l("已签订")), SelectChoice("no", _l("未签订"))],
        default="", validators=[Optional()],
    )
    average_raise_pct = DecimalField(_l("平均工资增幅（%）"), places=2, validators=[Optional(), FitsNumeric(5, 2)])
    minimum_wage = DecimalField(_l("最低工资标准（元/月）"), places=2, validators=[Optional(), FitsNumeric(10, 2)])
    workers_covered = IntegerField(_l("覆盖职工人数"), validators=_COUNT)
    delegates_expected = IntegerField(_l("应到代表"), validators=_COUNT)
    delegates_present = IntegerField(_l("实到代表"), validators=_COUNT)
    motions_adopted = IntegerField(_l("通过议案"), validators=_COUNT)
    activity_kind = StringField(_l("形式"), validators=[Optional(), Length(max=50), SingleLine()])

    def validate_version(self, field):
        # The version the page was loaded at, sent back hidden: anything but a whole number was not sent by our page.
        if not re.fullmatch(r"[0-9]{1,9}", (field.data or "0").strip()):
            raise ValidationError(_l("表单已失效，请刷新页面后重新填写"))

    def loaded_version(self) -> int:
        """The version the form was loaded at (0 for an item not yet saved); call after validation."""
        return int((self.version.data or "0").strip())

    def values(self, task: str) -> dict:
        """The submitted values for the fields this task has."""
        fields = {"status", "planned_on", "held_on", "participants", "notes", *rules.OUTCOME_FIELDS.get(task, ())}
        if task == rules.N_ACTIVITY:
            fields.add("title")
        values = {name: self[name].data for name in fields}
        if "agreement_signed" in values:
            values["agreement_signed"] = {"yes": True, "no": False}.get(values["agreement_signed"])
        for text in ("notes", "title", "activity_kind"):
            if text in values:
                values[text] = (values[text] or "").strip()
        return values

    def load(self, item) -> None:
        """Fill the form from an item (or leave the defaults for a task not started)."""
        self.version.data = str(item.version if item else 0)
        if item is None:
            return
        for name in ("title", "status", "planned_on", "held_on", "participants", "notes", "average_raise_pct",
                     "minimum_wage", "workers_covered", "delegates_expected", "delegates_present", "motions_adopted",
                     "activity_kind"):
            self[name].data = getattr(item, name)
        self.agreement_signed.data = {True: "yes", False: "no"}.get(item.agreement_signed, "")


class EvidenceForm(FlaskForm):
    file = FileField(_l("证明材料（PDF、图片或 Word）"))
