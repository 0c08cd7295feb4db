"""The translation catalogues under locale/: what a catalogue lacks, and whether it is whole.

`make test` runs tests/i18n/test_catalogues.py, which asks `missing_messages` of the real
tree: every string marked for translation in the code and templates must be translated in
every language's catalogue, without fuzzy entries. `makemessages` runs in a temporary copy
of the tree, so that the catalogues in the checkout are never rewritten by a test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings

#: What a copy of the tree for makemessages leaves out: nothing there is for the people.
IGNORED = [".venv", "tests", "staticfiles", "media", "node_modules", ".git", "bench", "static"]


def languages() -> list[str]:
    """Every language of the portal but its source language."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def extracted_messages(root: Path) -> set[tuple[str | None, str]]:
    """Every (context, msgid) marked for translation in the tree at `root`, as makemessages
    finds it, run on a copy of the tree."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "tree"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*IGNORED, "locale", "*.pyc"))
        (copy / "locale").mkdir()
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [
                sys.executable, "manage.py", "makemessages", "--locale", "xx",
                "--no-location", "--no-wrap", "--verbosity", "0",
                *[f"--ignore={name}/*" for name in IGNORED],
            ],
            cwd=copy, check=True, capture_output=True,
        )  # fmt: skip
        found = polib.pofile(str(catalogue_path(copy, "xx")))
        return {(entry.msgctxt, entry.msgid) for entry in found if not entry.obsolete}


def problems_of(catalogue: Path, wanted: set[tuple[str | None, str]]) -> dict[str, list[str]]:
    """What is wrong with one catalogue: messages it lacks or leaves untranslated, fuzzy
    entries, and messages whose plural forms are not all filled in."""
    if not catalogue.exists():
        return {"missing catalogue": [str(catalogue)]}
    po = polib.pofile(str(catalogue))
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    missing = sorted(msgid for key in wanted if key not in entries for msgid in [key[1]])
    untranslated = sorted(
        e.msgid
        for key, e in entries.items()
        if key in wanted
        and not e.fuzzy
        and not (all(v.strip() for v in e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    )
    fuzzy = sorted(e.msgid for e in entries.values() if e.fuzzy)
    return {
        name: found
        for name, found in (
            ("not in the catalogue", missing),
            ("untranslated", untranslated),
            ("fuzzy", fuzzy),
        )
        if found
    }


def missing_messages(root: Path) -> dict[str, dict[str, list[str]]]:
    """Per language, what its catalogue lacks (empty when every catalogue is whole)."""
    wanted = extracted_messages(root)
    report = {}
    for language in languages():
        found = problems_of(catalogue_path(root, language), wanted)
        if found:
            report[language] = found
    return report
