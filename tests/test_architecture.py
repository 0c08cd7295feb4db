"""The layout rules of the README, checked on the source text.

- Views do not write: every change goes through a service (`services.py`).
- Dependencies point one way: `portal` knows none of our apps, `partners` knows none of the
  apps above it, and no app imports another app's views.
- Roles live in `partners`: no other app spells a role as a string.
"""

import ast
import re
from pathlib import Path

import pytest

from partners.enums import Role

ROOT = Path(__file__).resolve().parent.parent
APPS = ["partners", "meetings", "reviews", "iap", "news", "progress", "search", "portal"]
#: The apps of the domain, whose views no other app imports (portal's are shared helpers).
DOMAIN_APPS = ["partners", "meetings", "reviews", "iap", "news", "progress", "search"]
#: What each app must never import.
FORBIDDEN_IMPORTS = {
    "partners": {"meetings", "reviews", "iap", "news", "progress", "search"},
    "meetings": {"reviews", "iap", "news", "progress", "search"},
    #: The review engine knows nothing of what it reviews.
    "reviews": {"meetings", "iap", "news", "progress", "search"},
    "iap": {"news", "progress", "search"},
    "news": {"progress", "search"},
    "progress": {"search"},
    "portal": {"partners", "meetings", "reviews", "iap", "news", "progress", "search"},
}
ROLE_STRINGS = [
    "coordinator",
    "lead_expert",
    "lead_partner",
    "city_coordinator",
    "city_team_member",
    "programme_officer",
    "ad_hoc_expert",
]
WRITES_IN_VIEWS = re.compile(r"\.save\(|\.objects\.create\(|get_or_create\(|\.delete\(\)")
QUOTED_ROLE = re.compile(r"""["'](""" + "|".join(ROLE_STRINGS) + r""")["']""")


def source_files(app, suffixes=(".py",)):
    """The app's own files: no migrations, no demo data."""
    for path in sorted((ROOT / app).rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.suffix in suffixes and "migrations" not in parts and path.stem != "demo":
            yield path


def package_of(path):
    return ".".join(path.relative_to(ROOT).parts[:-1])


def imported_modules(source, package):
    """Every module the source imports (and every name it imports from one), in full."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def where(path, line_number):
    return f"{path.relative_to(ROOT)}:{line_number}"


VIEW_MODULES = sorted(
    path.relative_to(ROOT)
    for app in [*APPS, "cities4csr"]
    for path in (ROOT / app).glob("*views.py")
)


@pytest.mark.parametrize("module", VIEW_MODULES, ids=str)
def test_views_do_not_write(module):
    path = ROOT / module
    writes = [
        f"{where(path, number)}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITES_IN_VIEWS.search(line)
    ]
    assert not writes, "views that write instead of calling a service:\n" + "\n".join(writes)


@pytest.mark.parametrize("app", APPS)
def test_dependencies_point_one_way(app):
    forbidden = FORBIDDEN_IMPORTS.get(app, set())
    others_views = {f"{other}.views" for other in DOMAIN_APPS if other != app}
    wrong = []
    for path in source_files(app):
        for module in imported_modules(path.read_text(), package_of(path)):
            top = module.split(".")[0]
            if top in forbidden:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
            elif any(module == v or module.startswith(f"{v}.") for v in others_views):
                wrong.append(f"{path.relative_to(ROOT)} imports another app's views: {module}")
    assert not wrong, "\n".join(sorted(set(wrong)))


@pytest.mark.parametrize(
    "app", ["meetings", "reviews", "iap", "news", "progress", "search", "portal"]
)
def test_no_role_strings_outside_partners(app):
    found = [
        f"{where(path, number)}: {line.strip()}"
        for path in source_files(app, suffixes=(".py", ".html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if QUOTED_ROLE.search(line)
    ]
    assert not found, "role strings outside partners (use partners.enums.Role):\n" + "\n".join(
        found
    )


def test_the_role_strings_checked_are_the_roles():
    assert set(ROLE_STRINGS) <= set(Role.values)


def test_the_checks_see_what_they_look_for():
    """The patterns catch a write, a role string and an import of another app's views."""
    assert WRITES_IN_VIEWS.search("        form.instance.save()")
    assert WRITES_IN_VIEWS.search("Step.objects.create(roadmap=roadmap)")
    assert WRITES_IN_VIEWS.search("ActionPlan.objects.get_or_create(partner=partner)")
    assert WRITES_IN_VIEWS.search("step.delete()")
    assert not WRITES_IN_VIEWS.search("services.step_delete(user=user, step=step)")
    assert QUOTED_ROLE.search("if membership.role == 'lead_expert':")
    assert not QUOTED_ROLE.search("Role.LEAD_EXPERT")
    source = "from ..iap import views\nfrom .models import Meeting\nimport news.views\n"
    modules = set(imported_modules(source, "meetings"))
    assert {"iap.views", "meetings.models", "news.views"} <= modules
