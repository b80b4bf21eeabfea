from tests.workdays.conftest import national_calendar_emptied_afterwards  # noqa: F401
