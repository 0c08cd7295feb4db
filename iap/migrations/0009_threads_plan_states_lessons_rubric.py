"""Into the review engine: the roadmap comments and change requests and the IAP section
comments become threads; an IAP marked final becomes an approved plan with its version 1;
an SSA's lessons become one lesson each; every network gets URBACT's usual rubric.
Reversible: going back writes the comments, the plan status and the lessons again."""

from django.db import migrations

CITY_ROLES = ("city_coordinator", "city_team_member")

RUBRIC = [
    (
        "Integrated approach",
        "Does the plan join up the policy areas, levels of government and sectors that the "
        "challenge needs, and the places it concerns?",
        "",
    ),
    (
        "Stakeholder participation",
        "Did the URBACT Local Group and the people concerned shape the plan, and do they have "
        "a part in delivering it?",
        "",
    ),
    (
        "Realism of the action table",
        "Is each action specific, with an owner, dates and resources that fit together?",
        "actions",
    ),
    (
        "Funding",
        "Is each action's cost estimated, with a credible funding source named?",
        "funding",
    ),
    (
        "Monitoring and indicators",
        "Do indicators with baselines and targets show whether the plan works?",
        "monitoring",
    ),
    ("Risks", "Are the main risks named, each with a way to reduce it?", "risks"),
]


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="iap", model=model)[0]


def _thread(apps, *, document, type_, anchor_type, anchor, label, side, author, at, body,
            open_, change=False, version=None):  # fmt: skip
    Thread = apps.get_model("reviews", "Thread")
    Message = apps.get_model("reviews", "Message")
    thread = Thread.objects.create(
        network_id=document.partner.network_id,
        partner_id=document.partner_id,
        document_type=type_,
        document_id=document.pk,
        anchor_type=anchor_type if anchor is not None else None,
        anchor_id=anchor,
        anchor_label=label[:300],
        side=side,
        is_change_request=change,
        version_number=version,
        state="open" if open_ else "resolved",
        resolved_at=None if open_ else at,
        opened_by_id=author,
    )
    Thread.objects.filter(pk=thread.pk).update(opened_at=at)
    message = Message.objects.create(thread=thread, author_id=author, side=side, body=body)
    Message.objects.filter(pk=message.pk).update(written_at=at)


def forward(apps, schema_editor):
    Membership = apps.get_model("partners", "Membership")
    Network = apps.get_model("partners", "Network")
    Roadmap = apps.get_model("iap", "Roadmap")
    RoadmapComment = apps.get_model("iap", "RoadmapComment")
    SectionComment = apps.get_model("iap", "SectionComment")
    ActionPlan = apps.get_model("iap", "ActionPlan")
    PlanVersion = apps.get_model("iap", "PlanVersion")
    PlanTransition = apps.get_model("iap", "PlanTransition")
    SmallScaleAction = apps.get_model("iap", "SmallScaleAction")
    SsaLesson = apps.get_model("iap", "SsaLesson")
    RubricCriterion = apps.get_model("iap", "RubricCriterion")

    roadmap_type, step_type = _content_type(apps, "roadmap"), _content_type(apps, "roadmapstep")
    plan_type, section_type = _content_type(apps, "actionplan"), _content_type(apps, "plansection")

    def side_of(user_id, partner_id):
        in_team = Membership.objects.filter(
            user_id=user_id, partner_id=partner_id, role__in=CITY_ROLES
        ).exists()
        return "city" if in_team else "reviewer"

    for roadmap in Roadmap.objects.select_related("partner"):
        submissions = list(
            roadmap.transitions.filter(to_state="submitted").order_by("at").values_list(
                "at", flat=True
            )
        )
        last_submitted = submissions[-1] if submissions else None
        still_open = roadmap.state in ("submitted", "in_review", "changes_requested")
        versions = list(roadmap.versions.order_by("created_at").values_list("created_at", "number"))

        def version_at(at):
            return next((n for when, n in reversed(versions) if when <= at), None)

        for comment in RoadmapComment.objects.filter(roadmap=roadmap).order_by("created_at", "pk"):
            _thread(
                apps, document=roadmap, type_=roadmap_type, anchor_type=step_type,
                anchor=comment.step_id, label=comment.step_title,
                side=side_of(comment.author_id, roadmap.partner_id), author=comment.author_id,
                at=comment.created_at, body=comment.body,
                open_=still_open and last_submitted is not None
                and comment.created_at >= last_submitted,
                version=version_at(comment.created_at),
            )  # fmt: skip
        changes = list(
            roadmap.transitions.filter(to_state="changes_requested").exclude(comment="")
            .order_by("at", "pk")
        )  # fmt: skip
        latest = roadmap.transitions.order_by("-at", "-pk").first()
        for change in changes:
            _thread(
                apps, document=roadmap, type_=roadmap_type, anchor_type=None, anchor=None,
                label="", side="reviewer", author=change.by_id, at=change.at,
                body=change.comment, change=True,
                open_=roadmap.state == "changes_requested" and latest is not None
                and latest.pk == change.pk,
                version=version_at(change.at),
            )  # fmt: skip

    for plan in ActionPlan.objects.select_related("partner"):
        final = plan.status == "final"
        if final and plan.state != "approved":  # not already approved through the engine
            sections = [{"kind": s.kind, "body": s.body} for s in plan.sections.all()]
            actions = [
                {
                    "id": a.pk, "title": a.title, "objective": a.objective,
                    "responsible_body": a.responsible_body,
                    "starts_on": str(a.starts_on or ""), "ends_on": str(a.ends_on or ""),
                    "budget": str(a.budget if a.budget is not None else ""),
                    "funding_source": a.funding_source, "risk": a.risk,
                    "mitigation": a.mitigation,
                    "stakeholders": sorted(s.name for s in a.stakeholders.all()),
                    "indicators": [[i.name, i.baseline, i.target] for i in a.indicators.all()],
                }
                for a in plan.actions.order_by("starts_on", "pk")
            ]  # fmt: skip
            PlanVersion.objects.create(
                plan=plan, number=1, content={"sections": sections, "actions": actions}
            )
            PlanTransition.objects.create(
                plan=plan, from_state="draft", to_state="approved",
                comment="Marked final before the IAP had its review.",
            )  # fmt: skip
            ActionPlan.objects.filter(pk=plan.pk).update(state="approved", submitted_at=plan.state_since)
        for comment in SectionComment.objects.filter(section__plan=plan).select_related("section"):
            _thread(
                apps, document=plan, type_=plan_type, anchor_type=section_type,
                anchor=comment.section_id, label=comment.section.get_kind_display()
                if hasattr(comment.section, "get_kind_display") else comment.section.kind,
                side=side_of(comment.author_id, plan.partner_id), author=comment.author_id,
                at=comment.created_at, body=comment.body, open_=not final,
            )  # fmt: skip

    for ssa in SmallScaleAction.objects.exclude(lessons="").filter(lesson_items__isnull=True):
        for text in [part.strip() for part in ssa.lessons.split("\n\n") if part.strip()]:
            SsaLesson.objects.create(ssa=ssa, text=text)

    for network in Network.objects.all():
        for position, (title, guidance, section) in enumerate(RUBRIC, start=1):
            RubricCriterion.objects.get_or_create(
                network=network, title=title,
                defaults={"guidance": guidance, "section": section, "position": position},
            )  # fmt: skip


def backward(apps, schema_editor):
    Thread = apps.get_model("reviews", "Thread")
    RoadmapComment = apps.get_model("iap", "RoadmapComment")
    SectionComment = apps.get_model("iap", "SectionComment")
    ActionPlan = apps.get_model("iap", "ActionPlan")
    SmallScaleAction = apps.get_model("iap", "SmallScaleAction")
    SsaLesson = apps.get_model("iap", "SsaLesson")
    RoadmapStep = apps.get_model("iap", "RoadmapStep")
    PlanSection = apps.get_model("iap", "PlanSection")

    roadmap_type, step_type = _content_type(apps, "roadmap"), _content_type(apps, "roadmapstep")
    plan_type, section_type = _content_type(apps, "actionplan"), _content_type(apps, "plansection")
    threads = Thread.objects.prefetch_related("messages")
    for thread in threads.filter(document_type=roadmap_type, is_change_request=False):
        step = None
        if thread.anchor_type_id == step_type.pk:
            step = RoadmapStep.objects.filter(pk=thread.anchor_id).first()
        for message in thread.messages.all():
            comment = RoadmapComment.objects.create(
                roadmap_id=thread.document_id, step=step, step_title=thread.anchor_label,
                author_id=message.author_id, body=message.body,
            )  # fmt: skip
            RoadmapComment.objects.filter(pk=comment.pk).update(created_at=message.written_at)
    for thread in threads.filter(document_type=plan_type, anchor_type=section_type):
        section = PlanSection.objects.filter(pk=thread.anchor_id).first()
        if section is None:
            continue
        for message in thread.messages.all():
            comment = SectionComment.objects.create(
                section=section, author_id=message.author_id, body=message.body
            )
            SectionComment.objects.filter(pk=comment.pk).update(created_at=message.written_at)
    Thread.objects.filter(document_type__in=[roadmap_type, plan_type]).delete()
    ActionPlan.objects.filter(state="approved").update(status="final")
    for ssa in SmallScaleAction.objects.filter(lesson_items__isnull=False).distinct():
        texts = SsaLesson.objects.filter(ssa=ssa).order_by("pk").values_list("text", flat=True)
        SmallScaleAction.objects.filter(pk=ssa.pk).update(lessons="\n\n".join(texts))


class Migration(migrations.Migration):
    dependencies = [
        ("iap", "0008_review_engine"),
        ("reviews", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
