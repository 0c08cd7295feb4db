"""Roadmaps and plans as PDF (WeasyPrint) and CSV; the overviews as CSV and XLSX."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.csv import csv_response
from portal.xlsx import Sheet, xlsx_response

from .selectors import actions_of, sections_of
from .services import STEP_FIELDS


def _pdf(request, template, context, filename):
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def roadmap_pdf(request, roadmap):
    return _pdf(
        request,
        "iap/pdf/roadmap.html",
        {"roadmap": roadmap, "steps": roadmap.steps.all()},
        f"{slugify(roadmap.partner.city)}-iap-roadmap.pdf",
    )


def roadmap_csv(roadmap):
    response, writer = csv_response(f"{slugify(roadmap.partner.city)}-iap-roadmap.csv")
    writer.writerow(["position", *STEP_FIELDS])
    for step in roadmap.steps.all():
        writer.writerow(
            [
                step.position,
                *[getattr(step, f) if getattr(step, f) is not None else "" for f in STEP_FIELDS],
            ]
        )
    return response


def plan_pdf(request, plan):
    return _pdf(
        request,
        "iap/pdf/plan.html",
        {"plan": plan, "sections": sections_of(plan=plan), "actions": actions_of(plan=plan)},
        f"{slugify(plan.partner.city)}-integrated-action-plan.pdf",
    )


def plan_csv(plan):
    response, writer = csv_response(f"{slugify(plan.partner.city)}-iap-actions.csv")
    writer.writerow(
        [
            "action",
            "objective",
            "responsible body",
            "stakeholders",
            "start",
            "end",
            "budget (EUR)",
            "funding source",
            "indicators",
            "risk",
            "mitigation",
        ]
    )
    for a in actions_of(plan=plan):
        indicators = "; ".join(f"{i.name}: {i.baseline} → {i.target}" for i in a.indicators.all())
        writer.writerow(
            [
                a.title,
                a.objective,
                a.responsible_body,
                "; ".join(s.name for s in a.stakeholders.all()),
                a.starts_on or "",
                a.ends_on or "",
                a.budget if a.budget is not None else "",
                a.funding_source,
                indicators,
                a.risk,
                a.mitigation,
            ]
        )
    return response


# The overviews across cities -------------------------------------------------------------
# One table per overview, of typed values (text, numbers, dates), written as CSV or as a
# spreadsheet: labels in words, never codes; moments as the day they fell on, locally.


def _day(moment):
    return timezone.localdate(moment) if moment is not None else None


def _text(value) -> str:
    return str(value) if value is not None else ""


def roadmaps_sheet(roadmaps) -> Sheet:
    return Sheet(
        _("Roadmaps"),
        [
            _("City"),
            _("State"),
            _("Steps done"),
            _("Steps in all"),
            _("Next step due"),
            _("Due on"),
            _("Last submitted on"),
            _("Last change"),
        ],
        (
            [
                r.partner.city,
                _text(r.get_state_display()),
                r.steps_done,
                r.steps_total,
                r.next_step_title or "",
                r.next_step_due,
                _day(r.last_submitted_at),
                _day(r.last_change),
            ]
            for r in roadmaps
        ),
    )


def actions_sheets(actions, budgets) -> list[Sheet]:
    """The actions, then the budget per city and in all."""
    rows = Sheet(
        _("IAP actions"),
        [
            _("City"),
            _("Action"),
            _("Responsible body"),
            _("Start"),
            _("End"),
            _("Budget (EUR)"),
            _("Funding source"),
            _("Status of the plan"),
        ],
        (
            [
                a.plan.partner.city,
                a.title,
                a.responsible_body,
                a.starts_on,
                a.ends_on,
                a.budget,
                a.funding_source,
                _text(a.plan.get_status_display()),
            ]
            for a in actions
        ),
    )
    totals = Sheet(
        _("Budget by city"),
        [_("City"), _("Actions"), _("Budget (EUR)")],
        [
            *([c.city, c.actions, c.budget] for c in budgets.cities),
            [_text(_("All cities")), budgets.actions, budgets.budget],
        ],
    )
    return [rows, totals]


def ssas_sheet(ssas) -> Sheet:
    return Sheet(
        _("Small Scale Actions"),
        [
            _("City"),
            _("Small Scale Action"),
            _("Status"),
            _("Budget (EUR)"),
            _("Start"),
            _("End"),
            _("IAP action it tests"),
        ],
        (
            [
                s.partner.city,
                s.title,
                _text(s.get_status_display()),
                s.budget,
                s.starts_on,
                s.ends_on,
                s.action.title if s.action else "",
            ]
            for s in ssas
        ),
    )


def sheets_csv(filename: str, sheets: list[Sheet]):
    """The sheets one after the other, a blank line between two."""
    response, writer = csv_response(filename)
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        writer.writerow([_text(h) for h in sheet.headers])
        for row in sheet.rows:
            writer.writerow(["" if v is None else v for v in row])
    return response


def sheets_download(file_format: str, filename: str, sheets: list[Sheet]):
    """`filename`.csv or `filename`.xlsx; None for any other format."""
    if file_format == "csv":
        return sheets_csv(f"{filename}.csv", sheets)
    if file_format == "xlsx":
        return xlsx_response(f"{filename}.xlsx", sheets)
    return None
