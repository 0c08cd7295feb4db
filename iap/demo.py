"""Demo roadmaps (each city at another point of the review), IAP drafts and SSAs."""

import datetime as dt
from decimal import Decimal

from partners.models import Stakeholder

from . import services
from .enums import RoadmapState, SectionKind, SsaStatus, StepStatus

STEPS = [
    (
        "Map local companies' CSR practice",
        "ULG coordinator",
        (2020, 10, 1),
        (2020, 12, 15),
        StepStatus.DONE,
        False,
    ),
    (
        "Agree the IAP objectives with the ULG",
        "City coordinator",
        (2021, 1, 10),
        (2021, 3, 31),
        StepStatus.IN_PROGRESS,
        True,
    ),
    (
        "Design and test Small Scale Actions",
        "ULG",
        (2021, 4, 1),
        (2021, 10, 31),
        StepStatus.NOT_STARTED,
        False,
    ),
    (
        "Write the action table with budgets",
        "City team",
        (2021, 9, 1),
        (2021, 12, 15),
        StepStatus.NOT_STARTED,
        False,
    ),
    (
        "Final IAP approved by the city council",
        "Deputy mayor",
        (2022, 3, 1),
        (2022, 6, 30),
        StepStatus.NOT_STARTED,
        True,
    ),
]

#: The state each demo city's roadmap is left in.
STATES = {
    "milan": RoadmapState.APPROVED,
    "sofia": RoadmapState.CHANGES_REQUESTED,
    "vratsa": RoadmapState.SUBMITTED,
    "kekava": RoadmapState.IN_REVIEW,
    "rijeka": RoadmapState.DRAFT,
    "guimaraes": RoadmapState.APPROVED,
    "molina-de-segura": RoadmapState.CHANGES_REQUESTED,
    "budaors": RoadmapState.SUBMITTED,
    "bratislava": RoadmapState.APPROVED,
    "nantes": RoadmapState.DRAFT,
}

SSAS = {
    "budaors": ["Tree planting with local companies"],
    "bratislava": ["Tree planting in housing estates with company volunteers"],
    "sofia": ["Tree planting in a neighbourhood park"],
    "guimaraes": ["Guimarães une: companies and associations together"],
    "molina-de-segura": ["Mi Sueño Fátima: a neighbourhood and its businesses"],
}


def load(*, context, stdout=None):
    # The roadmap deadline is one of the network's key deadlines: partners.demo loads it.
    le, lp = context["lead_expert"], context["lead_partner"]
    for slug, partner in context["partners"].items():
        city = context["city_coordinators"][slug]
        roadmap = partner.roadmap
        if not roadmap.steps.exists():
            for title, owner, start, due, status, milestone in STEPS:
                services.step_save(
                    user=city,
                    roadmap=roadmap,
                    data={
                        "title": title,
                        "owner": owner,
                        "starts_on": dt.date(*start),
                        "due_on": dt.date(*due),
                        "status": status,
                        "is_milestone": milestone,
                    },
                )
        if not roadmap.transitions.exists():
            walk(roadmap, STATES[slug], city=city, le=le, lp=lp)
            date_the_review(roadmap)
        load_plan(partner, city=city)
        load_ssas(partner, city=city)


def walk(roadmap, target, *, city, le, lp):
    if target == RoadmapState.DRAFT:
        return
    services.roadmap_submit(
        roadmap=roadmap, user=city, comment="Our roadmap, discussed with the ULG."
    )
    if target == RoadmapState.SUBMITTED:
        return
    services.roadmap_start_review(roadmap=roadmap, user=le)
    if target == RoadmapState.IN_REVIEW:
        return
    step = roadmap.steps.order_by("position")[1]
    services.roadmap_comment(
        roadmap=roadmap,
        user=le,
        step=step,
        body="Say which stakeholders take part and when the ULG meets on this.",
    )
    if target == RoadmapState.CHANGES_REQUESTED:
        services.roadmap_request_changes(
            roadmap=roadmap, user=le, comment="Add the ULG meetings and a milestone for the SSAs."
        )
        return
    services.roadmap_approve(
        roadmap=roadmap,
        user=lp if roadmap.partner.is_lead_partner is False else le,
        comment="Clear steps and owners. Approved.",
    )


#: When the demo review happened: submissions at the end of December 2020, as in the network.
REVIEW_DAYS = [
    dt.datetime(2020, 12, 28, 10),
    dt.datetime(2021, 1, 11, 10),
    dt.datetime(2021, 1, 14, 16),
]


def date_the_review(roadmap):
    """Put the demo's transitions, versions and comments on the dates of the real review."""
    from .models import Roadmap, RoadmapComment, RoadmapTransition, RoadmapVersion

    moments = [moment.replace(tzinfo=dt.UTC) for moment in REVIEW_DAYS]
    transitions = list(roadmap.transitions.order_by("pk"))
    for n, transition in enumerate(transitions):
        RoadmapTransition.objects.filter(pk=transition.pk).update(at=moments[min(n, 2)])
    RoadmapVersion.objects.filter(roadmap=roadmap).update(created_at=moments[0])
    RoadmapComment.objects.filter(roadmap=roadmap).update(
        created_at=moments[1] + dt.timedelta(hours=2)
    )
    if transitions:
        Roadmap.objects.filter(pk=roadmap.pk).update(
            state_since=moments[min(len(transitions) - 1, 2)], submitted_at=moments[0]
        )


def load_plan(partner, *, city):
    plan = partner.action_plan
    texts = {
        SectionKind.CONTEXT: (
            f"{partner.city} has many small companies but little dialogue between them "
            "and the city on social and environmental goals."
        ),
        SectionKind.OBJECTIVES: (
            "1. A local CSR pact signed by 30 companies.\n"
            "2. Companies' volunteers in three neighbourhood projects a year."
        ),
    }
    for section in plan.sections.filter(kind__in=list(texts), body=""):
        services.section_save(
            user=city, section=section, body=texts[section.kind], version=section.version
        )
    if not plan.actions.filter(title="Local CSR pact").exists():
        services.action_save(
            user=city,
            plan=plan,
            data={
                "title": "Local CSR pact",
                "objective": "Companies commit to the SDGs",
                "responsible_body": "Economic development office",
                "starts_on": dt.date(2021, 9, 1),
                "ends_on": dt.date(2022, 6, 30),
                "budget": Decimal("25000.00"),
                "funding_source": "City budget",
                "risk": "Few companies sign",
                "mitigation": "Chamber of commerce promotes the pact",
                "stakeholders": Stakeholder.objects.filter(partner=partner)[:2],
            },
            indicators=[("Companies signed", "0", "30")],
        )


def load_ssas(partner, *, city):
    action = partner.action_plan.actions.first()
    for title in SSAS.get(partner.slug, ["Company volunteering day"]):
        if partner.small_scale_actions.filter(title=title).exists():
            continue
        services.ssa_save(
            user=city,
            partner=partner,
            data={
                "title": title,
                "action": action,
                "tests_what": "Whether companies take part when asked by the city.",
                "budget": Decimal("10000.00"),
                "starts_on": dt.date(2021, 4, 1),
                "ends_on": dt.date(2021, 10, 31),
                "status": SsaStatus.PLANNED,
                "stakeholders": Stakeholder.objects.filter(partner=partner)[:3],
            },
        )
