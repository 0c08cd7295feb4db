"""Roadmaps and plans as PDF (WeasyPrint) and CSV; the overviews as CSV and XLSX.

Whatever leaves the portal as a file says things in words, in the person's language:
columns named by the models' verbose names, choices by their labels, yes and no for a
tick, dates as dates (ISO in a CSV, as the overviews write them), never a stored code.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.csv import csv_response
from portal.dates import localtime_or_utc
from portal.xlsx import Sheet, xlsx_response, yes_no

from .enums import SectionKind
from .models import Indicator, PlanAction, RoadmapStep, SmallScaleAction, SsaLesson
from .selectors import actions_of, sections_of, ssas_of
from .snapshots import STEP_FIELDS

#: What the plan's PDF says of each Small Scale Action, in this order: short facts, then
#: texts. A new field of the model is one more name here (its verbose name is the label).
SSA_FACTS = ("status", "starts_on", "ends_on", "budget", "action", "stakeholders")
SSA_TEXTS = ("tests_what", "description", "done", "results")


def _label(model, name: str):
    """The column's name: the field's verbose name, translated when it is shown."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _value(instance, name: str):
    """A field's value for a sheet: a choice by its label, anything else as it is."""
    field = instance._meta.get_field(name)
    if field.choices:
        return getattr(instance, f"get_{name}_display")()
    return getattr(instance, name)


def _in_words(instance, name: str) -> str:
    """A field's value as a reader sees it on paper; empty when there is none."""
    if instance._meta.get_field(name).many_to_many:
        return ", ".join(str(related) for related in getattr(instance, name).all())
    value = _value(instance, name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.datetime):
        return formats.date_format(localtime_or_utc(value), "j F Y")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return floatformat(value, "2g")
    return str(value)


# PDF ----------------------------------------------------------------------------------------


def _pdf(request, template, context, filename):
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _edition(document) -> dict:
    """What the version line of a reviewed document needs (iap/pdf/_edition.html).

    Out of the city's hands, the document is its latest submission: `version`. While the
    city edits it, it is a draft printed today, after the `last_version` it submitted, if
    any. A withdrawn submission counts for nothing."""
    latest = document.versions.filter(withdrawn_at__isnull=True).order_by("-number").first()
    printed_on = timezone.localdate()
    if document.is_editable or latest is None:
        return {"version": None, "last_version": latest, "printed_on": printed_on}
    return {"version": latest, "last_version": None, "printed_on": printed_on}


def roadmap_pdf(request, roadmap):
    return _pdf(
        request,
        "iap/pdf/roadmap.html",
        {"roadmap": roadmap, "steps": roadmap.steps.all(), **_edition(roadmap)},
        f"{slugify(roadmap.partner.city)}-iap-roadmap.pdf",
    )


@dataclass
class SsaEntry:
    """A Small Scale Action on paper: its title, its facts and its texts (pairs of label
    and words), what it measured and the lessons it taught."""

    title: str
    facts: list[tuple[str, str]]
    texts: list[tuple[str, str]]
    indicators: list[str]
    lessons: list[str]


def _lesson(lesson) -> str:
    if lesson.action is None:
        return lesson.text
    return gettext("%(lesson)s (it became the IAP action “%(action)s”)") % {
        "lesson": lesson.text,
        "action": lesson.action.title,
    }


def _ssa_entries(partner) -> list[SsaEntry]:
    ssas = ssas_of(partner=partner).prefetch_related(
        "indicators", Prefetch("lesson_items", SsaLesson.objects.select_related("action"))
    )
    return [
        SsaEntry(
            title=ssa.title,
            facts=[(_label(SmallScaleAction, n), _in_words(ssa, n)) for n in SSA_FACTS],
            texts=[(_label(SmallScaleAction, n), _in_words(ssa, n)) for n in SSA_TEXTS],
            indicators=[
                gettext("%(indicator)s: target %(target)s, result %(result)s")
                % {"indicator": i.name, "target": i.target or "?", "result": i.result or "?"}
                for i in ssa.indicators.all()
            ],
            lessons=[_lesson(lesson) for lesson in ssa.lesson_items.all()],
        )
        for ssa in ssas
    ]


def _plan_sections(plan) -> list[tuple[str, str]]:
    """Every section of the IAP in its order, as (title, Markdown text), written or not."""
    written = {section.kind: section.body for section in sections_of(plan=plan)}
    return [(kind.label, written.get(kind.value, "")) for kind in SectionKind]


def plan_pdf(request, plan):
    """The plan with its action table and, for whoever may see them (a paired city may
    not), the city's Small Scale Actions."""
    shows_ssas = request.user.has_perm("iap.view_ssa", plan.partner)
    return _pdf(
        request,
        "iap/pdf/plan.html",
        {
            "plan": plan,
            "sections": _plan_sections(plan),
            "actions": actions_of(plan=plan),
            "shows_ssas": shows_ssas,
            "ssas": _ssa_entries(plan.partner) if shows_ssas else [],
            **_edition(plan),
        },
        f"{slugify(plan.partner.city)}-integrated-action-plan.pdf",
    )


# CSV of one city ----------------------------------------------------------------------------

ROADMAP_COLUMNS = ("position", *STEP_FIELDS)


def roadmap_sheet(roadmap) -> Sheet:
    return Sheet(
        RoadmapStep._meta.verbose_name_plural,
        [_label(RoadmapStep, name) for name in ROADMAP_COLUMNS],
        ([_value(step, name) for name in ROADMAP_COLUMNS] for step in roadmap.steps.all()),
    )


def roadmap_csv(roadmap):
    return sheets_csv(f"{slugify(roadmap.partner.city)}-iap-roadmap.csv", [roadmap_sheet(roadmap)])


def plan_sheet(plan) -> Sheet:
    """The plan's action table, a row per action."""
    return Sheet(
        PlanAction._meta.verbose_name_plural,
        [
            *(_label(PlanAction, n) for n in ("title", "objective", "responsible_body")),
            _label(PlanAction, "stakeholders"),
            *(_label(PlanAction, n) for n in ("starts_on", "ends_on", "budget", "funding_source")),
            capfirst(Indicator._meta.verbose_name_plural),
            *(_label(PlanAction, n) for n in ("risk", "mitigation")),
        ],
        (
            [
                a.title,
                a.objective,
                a.responsible_body,
                "; ".join(s.name for s in a.stakeholders.all()),
                a.starts_on,
                a.ends_on,
                a.budget,
                a.funding_source,
                "; ".join(f"{i.name}: {i.baseline} → {i.target}" for i in a.indicators.all()),
                a.risk,
                a.mitigation,
            ]
            for a in actions_of(plan=plan)
        ),
    )


def plan_csv(plan):
    return sheets_csv(f"{slugify(plan.partner.city)}-iap-actions.csv", [plan_sheet(plan)])


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
            _("State of the plan"),
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
                _text(a.plan.get_state_display()),
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
            writer.writerow([_csv_cell(v) for v in row])
    return response


def _csv_cell(value):
    """Numbers and dates as they are (dates in ISO, as a spreadsheet reads them), a tick
    as yes or no, labels as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str | int | Decimal | dt.date):
        return value
    return str(value)


def sheets_download(file_format: str, filename: str, sheets: list[Sheet]):
    """`filename`.csv or `filename`.xlsx; None for any other format."""
    if file_format == "csv":
        return sheets_csv(f"{filename}.csv", sheets)
    if file_format == "xlsx":
        return xlsx_response(f"{filename}.xlsx", sheets)
    return None
