"""The calendar's entries are national data in the shared schema, which outlives each test's tenants
(on PostgreSQL one database serves the whole run): empty it after every test that had an app."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.workdays.models import CalendarDay, CalendarYear


@pytest.fixture(autouse=True)
def national_calendar_emptied_afterwards(request):
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    with app.app_context():
        db.session.execute(sa.delete(CalendarDay))
        db.session.execute(sa.delete(CalendarYear))
        db.session.commit()
