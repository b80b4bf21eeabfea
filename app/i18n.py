"""Chinese first, English second: locale choice and the translation catalogue.

The catalogue's message ids are the Chinese texts; `translations/en` holds the English. Compiled
.mo files are not committed: they are built from the .po files into the instance folder on start.
"""
from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogues(target: Path) -> Path:
    """Compile every .po under app/translations into target (only where stale); returns target."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        locale = po_path.parent.parent.name
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        temporary = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, catalog)
        temporary.replace(mo_path)  # atomic: workers starting together never read half a file
    return target


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        if request.args.get("lang"):
            session["lang"] = chosen
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
