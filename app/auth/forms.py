from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import SingleLine

from . import rules


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=200)])
    next = HiddenField()


class UserCreateForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64), SingleLine()])
    display_name = StringField(_l("姓名"), validators=[Length(max=100), SingleLine()])
    role = SelectField(_l("角色"), choices=[SelectChoice(code, _l(label)) for code, label in rules.ROLES.items()])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(_l("请输入初始密码")), Length(max=200)])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码")), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
