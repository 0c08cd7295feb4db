"""Spreadsheet formula injection: a cell typed as `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`
once reached the lead expert's roadmap.csv and plan.csv unchanged, for the spreadsheet to run.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from portal.csv import safe_cell

ROOT = Path(__file__).resolve().parents[2]
LINK = '=HYPERLINK("http://x","y")'
COMMAND = "=cmd|' /C calc'!A0"


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "typed",
    [LINK, COMMAND, "+1+cmd|' /C calc'!A0", "-5", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1", "\r=1"],
)
def test_text_a_spreadsheet_would_run_is_written_as_text(typed):
    assert safe_cell(typed) == f"'{typed}"


@pytest.mark.parametrize("value", ["Set up the ULG", "a = b", "", "City budget", 5, -5, None])
def test_plain_text_and_numbers_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_the_roadmap_csv_shows_formulas_as_text(client_for, net, city_a, lead_expert):
    roadmap = city_a.roadmap
    roadmap.steps.create(position=1, title=LINK, owner="-5", description=COMMAND)
    roadmap.steps.create(position=2, title="Agree objectives", owner="ULG")
    url = reverse("iap:roadmap_export", args=[net.slug, "alphaville", "csv"])
    rows = download(client_for(lead_expert), url)
    header, injected, plain = rows
    header = [name.lower() for name in header]  # the columns are the fields' labels
    by_name = dict(zip(header, injected, strict=True))
    assert by_name["title"] == f"'{LINK}"
    assert by_name["description"] == f"'{COMMAND}"
    assert by_name["owner"] == "'-5"
    assert dict(zip(header, plain, strict=True))["title"] == "Agree objectives"
    assert dict(zip(header, plain, strict=True))["owner"] == "ULG"


def test_the_plan_csv_shows_formulas_as_text(client_for, net, city_a, lead_expert):
    plan = city_a.action_plan
    action = plan.actions.create(
        title=COMMAND,
        objective=LINK,
        responsible_body="@SUM(1+1)",
        funding_source="-5",
        risk="+1",
        mitigation="Weekly check",
        budget="12",
    )
    action.indicators.create(name="=1+1", baseline="0", target="30")
    plan.actions.create(title="Local CSR pact", budget="25000.50", funding_source="City budget")
    url = reverse("iap:plan_export", args=[net.slug, "alphaville", "csv"])
    header, *actions = download(client_for(lead_expert), url)
    header = [name.lower() for name in header]  # the columns are the fields' labels
    injected = next(row for row in actions if row[0] != "Local CSR pact")
    plain = next(row for row in actions if row[0] == "Local CSR pact")
    cells = dict(zip(header, injected, strict=True))
    assert cells["action"] == f"'{COMMAND}"
    assert cells["objective"] == f"'{LINK}"
    assert cells["responsible body"] == "'@SUM(1+1)"
    assert cells["funding source"] == "'-5"
    assert cells["risk"] == "'+1"
    assert cells["indicators"] == "'=1+1: 0 → 30"
    assert cells["mitigation"] == "Weekly check"
    assert cells["estimated budget (eur)"] == "12.00"
    cells = dict(zip(header, plain, strict=True))
    assert cells["estimated budget (eur)"] == "25000.50"
    assert cells["funding source"] == "City budget"


def test_every_csv_the_portal_writes_goes_through_the_safe_writer():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    apps = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "cities4csr"]
    offenders = [
        str(path.relative_to(ROOT))
        for app in apps
        for path in app.rglob("*.py")
        if writers.search(path.read_text()) and path != ROOT / "portal" / "csv.py"
    ]
    assert offenders == []
