"""Chinese first, English second: every interface text has its English translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.audit.labels import FIELD_LABELS
from app.auth.rules import ROLES
from app.checklist import rules as checklist_rules
from app.checklist import services as checklist_services
from app.config import FEDERATION_KINDS
from app.reduction import rules as reduction_rules
from app.reduction import services as reduction_services
from app.stations import rules as station_rules
from app.workdays import calendar as workdays_calendar

# Label tables whose values templates pass through the catalogue.
LABEL_TABLES = [ROLES, FEDERATION_KINDS, FIELD_LABELS, station_rules.MODES, station_rules.STATUSES, station_rules.ROLES,
                station_rules.SOURCES, station_rules.EXPENSE_CATEGORIES, checklist_rules.TASKS, checklist_rules.STATUSES,
                {"n": checklist_rules.task_label(checklist_rules.N_ACTIVITY)}, checklist_services.ROW_FILTERS,
                reduction_rules.DOCUMENT_TYPES, reduction_rules.MEETING_KINDS, reduction_rules.MEETING_MODES,
                reduction_rules.MEETING_REACH, reduction_rules.INSPECTION_KINDS, reduction_rules.FLAGS, reduction_rules.FLAG_DETAILS,
                reduction_rules.FIELD_LABELS, reduction_services.FLAG_FILTERS, workdays_calendar.SOURCES]

ROOT = Path(__file__).resolve().parent.parent


def english_catalogue():
    with (ROOT / "app/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale="en")


def interface_texts():
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    texts = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None}
    ):
        texts.add(message if isinstance(message, str) else message[0])
    return texts


def test_every_interface_text_and_label_has_an_english_translation():
    catalogue = english_catalogue()
    texts = interface_texts().union(*(table.values() for table in LABEL_TABLES))
    assert len(texts) > 50
    missing = sorted(t for t in texts if not (catalogue.get(t) and catalogue.get(t).string))
    assert missing == [], "add these to app/translations/en/LC_MESSAGES/messages.po"
