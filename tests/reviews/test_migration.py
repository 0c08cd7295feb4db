"""iap 0009 brings the old comments and plan status into the review engine, and takes them
back: roadmaps keep their states, versions and history; comments and change requests
become threads; a final plan is an approved one with its version 1; an SSA's lessons are
one row each; every network gets the usual rubric."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from iap.models import ActionPlan, Roadmap, RubricCriterion, SmallScaleAction, SsaLesson
from reviews import services
from reviews.enums import ReviewState, Side, ThreadState
from reviews.models import Thread
from tests.reviews.conftest import parts_of, write_document

BEFORE = [("iap", "0008_review_engine"), ("reviews", "0001_initial")]
LESSONS = "Start small.\n\nInvolve the chamber of commerce."


def at(*day) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*day, 9, 0), dt.UTC)


def old_models():
    """The models at BEFORE, the other apps as they are now (only iap and reviews went back)."""
    graph = MigrationExecutor(connection).loader.graph
    others = [node for node in graph.leaf_nodes() if node[0] not in ("iap", "reviews")]
    return MigrationExecutor(connection).loader.project_state([*BEFORE, *others]).apps


def to_the_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def dated(model, row, **moments):
    """auto_now_add fields set to a moment of the past."""
    model.objects.filter(pk=row.pk).update(**moments)
    return row


class OldWorld:
    """Rows as the portal wrote them before the review engine (at BEFORE)."""

    def __init__(self):
        self.apps = old_models()
        get = self.apps.get_model
        self.network = get("partners", "Network").objects.create(
            name="Cities for CSR", acronym="CSR", slug="csr",
            start_date=dt.date(2019, 9, 1), end_date=dt.date(2022, 12, 31),
        )  # fmt: skip
        get("partners", "Network").objects.create(
            name="Green harbours", acronym="GH", slug="gh",
            start_date=dt.date(2019, 9, 1), end_date=dt.date(2022, 12, 31),
        )  # fmt: skip
        self.people = {}

    def get(self, label):
        return self.apps.get_model(*label.split("."))

    def person(self, email, role, partner=None):
        user = self.get("partners.User").objects.create(email=email, full_name=email.title())
        self.get("partners.Membership").objects.create(
            user=user, network=self.network, role=role, partner=partner
        )
        return user

    def city(self, name):
        partner = self.get("partners.Partner").objects.create(
            network=self.network, city=name, slug=name.lower(), country="BG"
        )
        roadmap = self.get("iap.Roadmap").objects.create(partner=partner)
        plan = self.get("iap.ActionPlan").objects.create(partner=partner)
        return partner, roadmap, plan

    def history(self, roadmap, *moves, by):
        """(state, moment, comment) after draft; the roadmap ends in the last state."""
        transitions = self.get("iap.RoadmapTransition")
        state = "draft"
        for to_state, moment, comment in moves:
            row = transitions.objects.create(
                roadmap=roadmap, from_state=state, to_state=to_state, by=by, comment=comment
            )
            dated(transitions, row, at=moment)
            state = to_state
        self.get("iap.Roadmap").objects.filter(pk=roadmap.pk).update(
            state=state, state_since=moves[-1][1], submitted_at=moves[0][1]
        )

    def version(self, roadmap, number, moment, steps):
        versions = self.get("iap.RoadmapVersion")
        row = versions.objects.create(roadmap=roadmap, number=number, steps=steps)
        dated(versions, row, created_at=moment)

    def roadmap_comment(self, roadmap, author, body, moment, step=None):
        comments = self.get("iap.RoadmapComment")
        row = comments.objects.create(
            roadmap=roadmap, step=step, step_title=step.title if step else "", author=author,
            body=body,
        )  # fmt: skip
        dated(comments, row, created_at=moment)

    def section_comment(self, plan, kind, author, body, moment):
        section = self.get("iap.PlanSection").objects.get(plan=plan, kind=kind)
        comments = self.get("iap.SectionComment")
        dated(
            comments,
            comments.objects.create(section=section, author=author, body=body),
            created_at=moment,
        )
        return section


def test_old_comments_states_and_lessons_come_into_the_engine(migrator):
    migrator.migrate(BEFORE)
    old = OldWorld()
    le = old.person("le@example.org", "lead_expert")
    sofia, sofia_roadmap, sofia_plan = old.city("Sofia")
    porto, porto_roadmap, porto_plan = old.city("Porto")
    coordinator = old.person("sofia@example.org", "city_coordinator", sofia)
    step = old.get("iap.RoadmapStep").objects.create(
        roadmap=sofia_roadmap, position=1, title="Set up the ULG"
    )
    # Sofia: submitted, in review, changes requested; a note of its own before submitting,
    # the lead expert's comment on a step during the review.
    old.version(sofia_roadmap, 1, at(2020, 12, 20), [{"title": "Set up the ULG"}])
    old.history(
        sofia_roadmap,
        ("submitted", at(2020, 12, 20), "Our first roadmap."),
        ("in_review", at(2021, 1, 10), ""),
        ("changes_requested", at(2021, 1, 14), "Name the ULG members."),
        by=le,
    )
    old.roadmap_comment(sofia_roadmap, coordinator, "Check the dates.", at(2020, 12, 1))
    old.roadmap_comment(sofia_roadmap, le, "Which stakeholders?", at(2021, 1, 12), step=step)
    # Porto: approved, with a comment from its review.
    old.version(porto_roadmap, 1, at(2020, 12, 21), [])
    old.history(
        porto_roadmap,
        ("submitted", at(2020, 12, 21), ""),
        ("in_review", at(2021, 1, 5), ""),
        ("approved", at(2021, 1, 6), "Well done."),
        by=le,
    )
    old.roadmap_comment(porto_roadmap, le, "Nice timeline.", at(2021, 1, 5))
    # Sofia's plan is final, Porto's still drafting; each with a comment on a section.
    sections = old.get("iap.PlanSection")
    for plan in (sofia_plan, porto_plan):
        for kind in ("context", "funding"):
            sections.objects.create(plan=plan, kind=kind, body=f"{kind} text")
    old.get("iap.ActionPlan").objects.filter(pk=sofia_plan.pk).update(status="final")
    old.get("iap.PlanAction").objects.create(plan=sofia_plan, title="Open a CSR desk", budget=9000)
    funding = old.section_comment(sofia_plan, "funding", le, "Which fund?", at(2021, 3, 1))
    old.section_comment(porto_plan, "context", le, "Add figures.", at(2021, 3, 2))
    ssa = old.get("iap.SmallScaleAction").objects.create(
        partner=sofia, title="CSR breakfast", lessons=LESSONS
    )

    to_the_latest()

    # Every roadmap keeps its state, its versions and its history.
    roadmaps = {r.partner_id: r for r in Roadmap.objects.all()}
    assert roadmaps[sofia.pk].state == ReviewState.CHANGES_REQUESTED
    assert roadmaps[porto.pk].state == ReviewState.APPROVED
    assert list(roadmaps[sofia.pk].versions.values_list("number", "steps")) == [
        (1, [{"title": "Set up the ULG"}])
    ]
    assert [
        (t.from_state, t.to_state, t.comment, t.at) for t in roadmaps[sofia.pk].transitions.all()
    ] == [
        ("draft", "submitted", "Our first roadmap.", at(2020, 12, 20)),
        ("submitted", "in_review", "", at(2021, 1, 10)),
        ("in_review", "changes_requested", "Name the ULG members.", at(2021, 1, 14)),
    ]
    # Its comments and change request are threads: open if about the current review.
    threads = [
        (
            t.side, t.anchor_id, t.anchor_label, t.is_change_request, t.state, t.version_number,
            t.opened_by_id, t.opened_at,
            [(m.body, m.author_id, m.written_at) for m in t.messages.all()],
        )
        for t in roadmaps[sofia.pk].threads.order_by("opened_at")
    ]  # fmt: skip
    assert threads == [
        (Side.CITY, None, "", False, ThreadState.RESOLVED, None, coordinator.pk,
         at(2020, 12, 1), [("Check the dates.", coordinator.pk, at(2020, 12, 1))]),
        (Side.REVIEWER, step.pk, "Set up the ULG", False, ThreadState.OPEN, 1, le.pk,
         at(2021, 1, 12), [("Which stakeholders?", le.pk, at(2021, 1, 12))]),
        (Side.REVIEWER, None, "", True, ThreadState.OPEN, 1, le.pk,
         at(2021, 1, 14), [("Name the ULG members.", le.pk, at(2021, 1, 14))]),
    ]  # fmt: skip
    assert roadmaps[sofia.pk].threads.get(anchor_id=step.pk).anchor.title == "Set up the ULG"
    [porto_thread] = roadmaps[porto.pk].threads.all()
    assert (porto_thread.state, porto_thread.messages.get().body) == (
        ThreadState.RESOLVED, "Nice timeline."
    )  # fmt: skip

    # The final plan is approved, with its version 1 as it stood; the other stays a draft.
    plans = {p.partner_id: p for p in ActionPlan.objects.all()}
    final = plans[sofia.pk]
    assert final.state == ReviewState.APPROVED and final.submitted_at is not None
    [version] = final.versions.all()
    assert version.number == 1
    assert sorted(s["kind"] for s in version.content["sections"]) == ["context", "funding"]
    assert [(a["title"], a["budget"]) for a in version.content["actions"]] == [
        ("Open a CSR desk", "9000.00")
    ]
    assert list(final.transitions.values_list("from_state", "to_state")) == [("draft", "approved")]
    [on_funding] = final.threads.all()
    assert (on_funding.anchor_id, on_funding.anchor_label, on_funding.side) == (
        funding.pk, "Funding", Side.REVIEWER
    )  # fmt: skip
    assert on_funding.state == ThreadState.RESOLVED  # the plan was final
    assert on_funding.messages.get().body == "Which fund?"
    assert plans[porto.pk].state == ReviewState.DRAFT and not plans[porto.pk].versions.exists()
    assert plans[porto.pk].threads.get().state == ThreadState.OPEN

    # Lessons, one row each; the rubric, six criteria for every network.
    assert list(SsaLesson.objects.filter(ssa_id=ssa.pk).values_list("text", flat=True)) == [
        "Start small.",
        "Involve the chamber of commerce.",
    ]
    per_network = RubricCriterion.objects.values_list("network__slug", flat=True)
    assert sorted(per_network) == ["csr"] * 6 + ["gh"] * 6
    assert RubricCriterion.objects.filter(network__slug="csr", section="funding").count() == 1


def test_a_city_members_old_comment_becomes_the_citys_thread(migrator):
    migrator.migrate(BEFORE)
    old = OldWorld()
    sofia, roadmap, _plan = old.city("Sofia")
    member = old.person("member@example.org", "city_team_member", sofia)
    old.roadmap_comment(roadmap, member, "A note for us.", at(2020, 12, 1))

    to_the_latest()

    assert Thread.objects.get().side == Side.CITY


@pytest.fixture
def engine_world(net, city_a, city_b, city_coordinator_a, city_member_a, lead_expert):
    """Threads, a change request, an approved plan and lessons, written with the engine."""
    roadmap = write_document("roadmap", city_a)
    step = parts_of(roadmap)[0]
    services.thread_open(user=city_member_a, document=roadmap, body="Check the dates.")
    services.submit(user=city_coordinator_a, document=roadmap)
    question = services.thread_open(
        user=lead_expert, document=roadmap, body="Which stakeholders?", anchor=step
    )
    services.thread_reply(user=city_member_a, thread=question, body="The chamber.")
    services.request_changes(user=lead_expert, document=roadmap, comment="Name them.")
    plan = write_document("plan", city_a)
    funding = parts_of(plan)[0]
    services.thread_open(user=lead_expert, document=plan, body="Which fund?", anchor=funding)
    ssa = SmallScaleAction.objects.create(partner=city_a, title="CSR breakfast")
    for text in LESSONS.split("\n\n"):
        SsaLesson.objects.create(ssa=ssa, text=text)
    return {"roadmap": roadmap, "step": step, "plan": plan, "funding": funding, "ssa": ssa}


def test_going_back_writes_the_comments_the_plan_status_and_the_lessons_again(
    migrator, engine_world, city_a, city_b, city_member_a, lead_expert
):
    plan, roadmap, step = engine_world["plan"], engine_world["roadmap"], engine_world["step"]
    ActionPlan.objects.filter(pk=plan.pk).update(state=ReviewState.APPROVED)
    written = dict(Thread.objects.values_list("messages__body", "messages__written_at"))

    migrator.migrate(BEFORE)

    get = old_models().get_model
    comments = [
        (c.step_id, c.step_title, c.author_id, c.body, c.created_at)
        for c in get("iap", "RoadmapComment")
        .objects.filter(roadmap_id=roadmap.pk)
        .order_by("created_at")
    ]
    assert comments == [
        (None, "", city_member_a.pk, "Check the dates.", written["Check the dates."]),
        (step.pk, "Set up the ULG", lead_expert.pk, "Which stakeholders?",
         written["Which stakeholders?"]),
        (step.pk, "Set up the ULG", city_member_a.pk, "The chamber.", written["The chamber."]),
    ]  # fmt: skip
    # The change request is where it always was: the comment of its transition.
    change = get("iap", "RoadmapTransition").objects.get(
        roadmap_id=roadmap.pk, to_state="changes_requested"
    )
    assert change.comment == "Name them."
    [on_section] = get("iap", "SectionComment").objects.all()
    assert (on_section.section_id, on_section.author_id, on_section.body) == (
        engine_world["funding"].pk, lead_expert.pk, "Which fund?"
    )  # fmt: skip
    status = dict(get("iap", "ActionPlan").objects.values_list("partner_id", "status"))
    assert status == {city_a.pk: "final", city_b.pk: "drafting"}
    ssa = get("iap", "SmallScaleAction").objects.get(pk=engine_world["ssa"].pk)
    assert ssa.lessons == LESSONS


def test_back_and_forth_again_doubles_nothing(migrator, engine_world, city_coordinator_a,
                                              lead_expert):  # fmt: skip
    plan = engine_world["plan"]
    services.submit(user=city_coordinator_a, document=plan)
    services.approve(user=lead_expert, document=plan)
    migrator.migrate(BEFORE)
    try:
        to_the_latest()
    except IntegrityError:
        # Leave a schema the fixture can bring forward, then say what went wrong.
        old_models().get_model("iap", "PlanVersion").objects.all().delete()
        raise

    assert list(ActionPlan.objects.get(pk=plan.pk).versions.values_list("number")) == [(1,)]
    assert SsaLesson.objects.count() == 2
