"""What leaves the portal as a file speaks in words: CSV and XLSX read back as a person
opens them, PDFs read back with pypdf."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from iap import exports
from iap.enums import RoadmapState, SsaStatus, StepStatus
from iap.models import (
    PlanAction,
    PlanVersion,
    RoadmapVersion,
    SmallScaleAction,
    SsaIndicator,
    SsaLesson,
)
from partners.enums import GroupKind
from partners.models import CityGroup, Stakeholder
from portal.xlsx import Sheet, workbook_bytes
from reviews import services as reviews

#: Codes that must never reach a reader.
CODES = {"True", "False", "in_progress", "not_started", "is_milestone", "due_on", "starts_on"}
#: A submission at noon in Brussels.
MAY_12 = dt.datetime(2021, 5, 12, 10, 0, tzinfo=dt.UTC)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_pdf(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def export(client, name, net, city, file_format, **headers):
    return client.get(reverse(f"iap:{name}", args=[net.slug, city.slug, file_format]), **headers)


def assert_no_codes(rows):
    assert not CODES & {str(value) for row in rows for value in row}


def test_the_roadmap_csv_has_labels_words_yes_no_and_iso_dates(
    client_for, net, city_a, roadmap_a, city_member_a
):
    roadmap_a.steps.filter(position=1).update(status=StepStatus.IN_PROGRESS)
    roadmap_a.steps.create(position=3, title="=cmd|' /C calc'!A0", status=StepStatus.DONE)

    rows = read_csv(export(client_for(city_member_a), "roadmap_export", net, city_a, "csv"))

    assert rows[0] == ["Order", "Title", "Description", "Owner", "Start", "Due", "Status",
                       "Milestone"]  # fmt: skip
    assert rows[1] == ["1", "Set up the ULG", "", "City team", "2020-10-01", "2020-11-30",
                       "In progress", "No"]  # fmt: skip
    assert rows[2][1] == "Agree objectives" and rows[2][6:] == ["Not started", "Yes"]
    assert rows[3][1] == "'=cmd|' /C calc'!A0" and rows[3][6] == "Done"
    assert_no_codes(rows)


def test_the_csv_speaks_the_persons_language(client_for, net, city_a, roadmap_a, city_member_a):
    rows = read_csv(
        export(
            client_for(city_member_a), "roadmap_export", net, city_a, "csv",
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    )  # fmt: skip
    assert [row[7] for row in rows[1:]] == ["Non", "Oui"]


def test_the_plan_csv_names_its_columns_and_neutralises_formulas(
    client_for, net, city_a, city_member_a
):
    action = PlanAction.objects.create(
        plan=city_a.action_plan, title="Local CSR pact", responsible_body="@SUM(A1)",
        starts_on=dt.date(2021, 3, 1), budget=Decimal("25000.50"), funding_source="-1+2",
    )  # fmt: skip
    action.stakeholders.add(Stakeholder.objects.create(partner=city_a, name="Chamber"))
    action.indicators.create(name="Companies signed", baseline="0", target="30")

    rows = read_csv(export(client_for(city_member_a), "plan_export", net, city_a, "csv"))

    assert rows[0] == [
        "Action", "Objective", "Responsible body", "Stakeholders involved", "Start", "End",
        "Estimated budget (EUR)", "Funding source", "Indicators", "Risk", "Mitigation",
    ]  # fmt: skip
    assert rows[1] == ["Local CSR pact", "", "'@SUM(A1)", "Chamber", "2021-03-01", "",
                       "25000.50", "'-1+2", "Companies signed: 0 → 30", "", ""]  # fmt: skip


def test_the_overview_spreadsheet_has_words_dates_and_yes_no(client_for, net, city_a, officer):
    SmallScaleAction.objects.create(
        partner=city_a, title="Tree planting", status=SsaStatus.RUNNING,
        starts_on=dt.date(2021, 4, 1), budget=Decimal("2500"),
    )  # fmt: skip
    response = client_for(officer).get(reverse("iap:overview_ssas_export", args=[net.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["City", "Small Scale Action", "Status", "Budget (EUR)", "Start"]
    assert rows[1][:5] == ["Alphaville", "Tree planting", "Running", 2500, dt.datetime(2021, 4, 1)]
    assert sheet.cell(row=2, column=5).is_date
    assert "running" not in rows[1]

    # A tick is written in words, whichever sheet holds it.
    book = load_workbook(
        io.BytesIO(workbook_bytes([Sheet("Ticks", ["Milestone"], [[True], [False]])]))
    )
    assert [c.value for c in book.active["A"]] == ["Milestone", "Yes", "No"]


@pytest.fixture
def plan_with_ssa(city_a):
    plan = city_a.action_plan
    plan.sections.filter(kind="context").update(body="Alphaville has **many** small firms.")
    pact = PlanAction.objects.create(plan=plan, title="Local CSR pact", budget=Decimal("25000"))
    breakfast = SmallScaleAction.objects.create(
        partner=city_a, action=pact, title="CSR breakfast", status=SsaStatus.EVALUATED,
        starts_on=dt.date(2021, 4, 1), ends_on=dt.date(2021, 5, 31), budget=Decimal("1500"),
        tests_what="Whether firms come to a morning meeting.",
        done="Three breakfasts at the Chamber.",
        results="Forty firms came; twelve signed the pact.",
    )  # fmt: skip
    SsaIndicator.objects.create(ssa=breakfast, name="Firms that came", target="30", result="40")
    SsaLesson.objects.create(ssa=breakfast, text="Mornings suit owners of small firms.")
    SsaLesson.objects.create(ssa=breakfast, text="Pair the pact with a label.", action=pact)
    SmallScaleAction.objects.create(partner=city_a, title="Tree planting")
    return plan


def test_the_plan_pdf_has_every_section_the_actions_and_the_ssas_with_results(
    client_for, net, city_a, plan_with_ssa, city_coordinator_a
):
    client = client_for(city_coordinator_a)
    text = read_pdf(export(client, "plan_export", net, city_a, "pdf"))

    assert f"Draft, printed on {formats.date_format(timezone.localdate(), 'j F Y')}" in text
    # Every section in the IAP's order; the empty ones say so.
    assert text.index("Context and baseline") < text.index("many small firms")
    assert text.index("many small firms") < text.index("Objectives") < text.index("Risks")
    objectives = text[text.index("Objectives") : text.index("Actions")]
    assert "Not written yet." in objectives
    assert "Local CSR pact" in text[text.index("Action table") :]
    # The Small Scale Actions: status in words, dates, budget, what they test, results, lessons.
    ssa = text[text.index("CSR breakfast") : text.index("Tree planting")]
    assert "Status Evaluated" in ssa and "evaluated" not in ssa
    assert "Start 1 April 2021" in ssa and "End 31 May 2021" in ssa
    assert "Budget (EUR) 1,500.00" in ssa and "IAP action it tests Local CSR pact" in ssa
    assert "What it tests Whether firms come to a morning meeting." in ssa
    assert "What was done Three breakfasts at the Chamber." in ssa
    assert "Results Forty firms came; twelve signed the pact." in ssa
    assert "Firms that came: target 30, result 40" in ssa
    assert "Lessons learnt Mornings suit owners of small firms." in ssa
    assert "Pair the pact with a label. (it became the IAP action “Local CSR pact”)" in ssa
    # An SSA with nothing written yet says so.
    assert "Results Not written yet." in text[text.index("Tree planting") :]

    # Submitted, the plan is that version.
    reviews.submit(user=city_coordinator_a, document=plan_with_ssa)
    PlanVersion.objects.filter(plan=plan_with_ssa).update(created_at=MAY_12)
    text = read_pdf(export(client, "plan_export", net, city_a, "pdf"))
    assert "Version 1, submitted 12 May 2021" in text and "Draft" not in text


def test_the_roadmap_pdf_says_which_version_it_is(
    client_for, net, city_a, roadmap_a, city_coordinator_a, in_state
):
    reviews.submit(user=city_coordinator_a, document=roadmap_a)
    RoadmapVersion.objects.filter(roadmap=roadmap_a).update(created_at=MAY_12, number=3)
    client = client_for(city_coordinator_a)

    text = read_pdf(export(client, "roadmap_export", net, city_a, "pdf"))
    assert "Version 3, submitted 12 May 2021" in text
    assert "Agree objectives (milestone)" in text

    # Back in the city's hands, it is a draft again, after version 3; in French, dates too.
    in_state(roadmap_a, RoadmapState.CHANGES_REQUESTED)
    text = read_pdf(export(client, "roadmap_export", net, city_a, "pdf", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "version 3" in text and "12 mai 2021" in text and "Version 3, submitted" not in text


def test_a_paired_city_reading_the_plan_pdf_sees_no_small_scale_action(
    rf, net, city_a, city_b, plan_with_ssa, city_member_b
):
    """A paired city reads the plan it was asked to comment on, not the city's SSAs."""
    pair = CityGroup.objects.create(network=net, kind=GroupKind.PAIR, topic="CSR pacts")
    pair.cities.set([city_a, city_b])
    request = rf.get("/")
    request.user = city_member_b

    text = read_pdf(exports.plan_pdf(request, plan_with_ssa))

    assert "many small firms" in text and "Local CSR pact" in text
    assert "Small Scale Actions" not in text and "CSR breakfast" not in text
