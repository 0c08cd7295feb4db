"""Every language's catalogue is whole: each string the code and templates mark for
translation is translated, nothing is fuzzy, and msgfmt accepts every file."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from .catalogues import catalogue_path, languages, missing_messages

ROOT = Path(settings.BASE_DIR)


def _summary(report) -> str:
    lines = []
    for language, problems in report.items():
        for kind, messages in problems.items():
            shown = "; ".join(repr(m) for m in messages[:5])
            lines.append(f"{language}: {len(messages)} {kind}: {shown}")
    return "\n".join(lines)


def test_every_catalogue_translates_every_marked_string():
    report = missing_messages(ROOT)
    assert report == {}, "Catalogues to complete (make messages):\n" + _summary(report)


@pytest.mark.parametrize("language", languages())
def test_msgfmt_accepts_the_catalogue_and_its_placeholders(language):
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null",  # noqa: S607
         str(catalogue_path(ROOT, language))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_guard_fails_for_a_new_string_and_for_a_fuzzy_entry(tmp_path):
    """The guard above is not blind: a sentence added to the code without translations,
    and an entry left fuzzy, are both reported for every language."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "media", "*.pyc")
    )
    (copy / "portal" / "guard_probe.py").write_text(
        "from django.utils.translation import gettext_lazy as _\n\n"
        'PROBE = _("A sentence that no catalogue has yet")\n'
    )
    first = languages()[0]
    po = polib.pofile(str(catalogue_path(copy, first)))
    entry = next(e for e in po if e.msgid and not e.obsolete)
    entry.flags.append("fuzzy")
    po.save()

    report = missing_messages(copy)

    for language in languages():
        assert "A sentence that no catalogue has yet" in report[language]["not in the catalogue"]
    assert entry.msgid in report[first]["fuzzy"]
