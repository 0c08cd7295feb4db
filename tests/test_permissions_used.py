"""Every permission an app registers in its rules.py is asked somewhere, or it is dead.

A reviewed document's permissions (iap.submit_roadmap, iap.submit_plan, …) are asked by the
review engine by their verb: `document.perm("submit")` in reviews/ and
`document|review_perm:"submit"` in templates/reviews/. Such a permission counts as asked
when its full name, or its verb in the engine's code, is found."""

import re
from pathlib import Path

import pytest
import rules.permissions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("partners", "meetings", "iap", "news", "reviews")
#: The documents reviewed through the engine, by their `review_kind`.
REVIEWED = ("roadmap", "plan")


def code_in(*folders):
    for folder in folders:
        for path in (ROOT / folder).rglob("*"):
            wanted = path.suffix in {".py", ".html"} and path.name != "rules.py"
            if wanted and "migrations" not in path.parts:
                yield path.read_text(encoding="utf-8")


CODE = "\n".join(code_in(*APPS, "templates"))
ENGINE = "\n".join(code_in("reviews", "templates/reviews"))
REGISTERED = sorted(name for name in rules.permissions.permissions if name.split(".", 1)[0] in APPS)


def asked_by_the_engine(name: str) -> bool:
    match = re.fullmatch(rf"\w+\.(\w+)_({'|'.join(REVIEWED)})", name)
    return bool(match) and (f'"{match[1]}"' in ENGINE or f"'{match[1]}'" in ENGINE)


def test_the_apps_register_their_permissions():
    assert {"partners.view_network", "meetings.view_call", "iap.edit_roadmap"} <= set(REGISTERED)


def test_a_verb_the_engine_never_asks_is_not_taken_for_asked():
    assert not asked_by_the_engine("iap.fly_roadmap")
    assert asked_by_the_engine("iap.submit_plan")


@pytest.mark.parametrize("name", REGISTERED)
def test_every_registered_permission_is_asked(name):
    asked = f'"{name}"' in CODE or f"'{name}'" in CODE or asked_by_the_engine(name)
    assert asked, f"{name} is registered but never asked"
