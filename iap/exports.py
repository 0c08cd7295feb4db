"""Roadmaps and plans as PDF (WeasyPrint) and CSV."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

from portal.csv import csv_response

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
