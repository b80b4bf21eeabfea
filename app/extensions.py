"""The Flask extensions, created once and wired in create_app()."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase

from tenants import Tenancy, TenantSQLAlchemy


from tenants.schema import NAMING_CONVENTION
import sqlalchemy as sa


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = TenantSQLAlchemy(model_class=Base)
tenancy = Tenancy()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
