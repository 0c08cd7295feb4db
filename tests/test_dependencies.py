"""Every package the portal imports is declared in pyproject.toml, not borrowed from another."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"cities4csr", "portal", "partners", "meetings", "reviews", "iap", "news", "progress",
        "search", "tests", "bench"}  # fmt: skip


def declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = (re.split(r"[\[<>=!~ ]", r, maxsplit=1)[0] for r in requirements)
    return {name.lower().replace("_", "-") for name in names}


def imported_top_level_names():
    names = set()
    for folder in [*OURS, "manage.py"]:
        paths = [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py")
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names.add(node.module.split(".")[0])
    return names - OURS - set(sys.stdlib_module_names) - {"__future__"}


def test_every_imported_package_is_declared():
    distributions = packages_distributions()
    missing = {
        name: distributions.get(name, ["?"])
        for name in imported_top_level_names()
        if not {d.lower().replace("_", "-") for d in distributions.get(name, [])} & declared()
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
