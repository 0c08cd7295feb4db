"""Every permission an app registers in its rules.py is asked somewhere, or it is dead."""

from pathlib import Path

import pytest
import rules.permissions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("partners", "meetings", "iap", "news")


def code_outside_rules():
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            wanted = path.suffix in {".py", ".html"} and path.name != "rules.py"
            if wanted and "migrations" not in path.parts:
                yield path.read_text(encoding="utf-8")


CODE = "\n".join(code_outside_rules())
REGISTERED = sorted(name for name in rules.permissions.permissions if name.split(".", 1)[0] in APPS)


def test_the_apps_register_their_permissions():
    assert {"partners.view_network", "meetings.view_call", "iap.edit_roadmap"} <= set(REGISTERED)


@pytest.mark.parametrize("name", REGISTERED)
def test_every_registered_permission_is_asked(name):
    assert f'"{name}"' in CODE or f"'{name}'" in CODE, f"{name} is registered but never asked"
