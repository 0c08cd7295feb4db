"""What a submission freezes of a roadmap or a plan (JSON), read back by iap.compare.

A roadmap version is its steps in order; a plan version is its sections and its action
table. Values are kept as the database holds them (dates in ISO form, choices as codes)
so that a version reads the same in every language; iap.compare writes them in words."""

from __future__ import annotations

from .enums import SectionKind

STEP_FIELDS = ["title", "description", "owner", "starts_on", "due_on", "status", "is_milestone"]
ACTION_FIELDS = [
    "title",
    "objective",
    "responsible_body",
    "starts_on",
    "ends_on",
    "budget",
    "funding_source",
    "risk",
    "mitigation",
]


def _text(value) -> str:
    return "" if value is None else str(value)


def roadmap_snapshot(roadmap) -> list[dict]:
    return [
        {"id": step.pk, **{f: _text(getattr(step, f)) for f in STEP_FIELDS}}
        for step in roadmap.steps.order_by("position", "pk")
    ]


def plan_snapshot(plan) -> dict:
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    sections = sorted(plan.sections.all(), key=lambda s: order.get(s.kind, len(order)))
    actions = plan.actions.prefetch_related("indicators", "stakeholders").order_by(
        "starts_on", "pk"
    )
    return {
        "sections": [{"kind": s.kind, "body": s.body} for s in sections],
        "actions": [
            {
                "id": action.pk,
                **{f: _text(getattr(action, f)) for f in ACTION_FIELDS},
                "stakeholders": sorted(s.name for s in action.stakeholders.all()),
                "indicators": [[i.name, i.baseline, i.target] for i in action.indicators.all()],
            }
            for action in actions
        ],
    }
