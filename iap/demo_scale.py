"""Roadmaps, plans and Small Scale Actions for the generated networks of `load_demo --scale N`.

Every city's roadmap has 10–20 steps and went through the review three times (three
versions); where each stands now is spread as in a real network: about four in ten
approved, the others waiting for the review, in review or back with the city. The rows are
the ones the services leave (see iap.services): the state, its transitions, each
submission's frozen steps, the reviewer's comments and the notifications about them.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.demo_scale import BATCH, at, backdate, tell
from reviews.enums import Side, ThreadState
from reviews.models import Message, Thread

from .enums import (
    RoadmapState,
    SectionKind,
    SsaStatus,
    StepStatus,
)
from .models import (
    ActionPlan,
    Indicator,
    PlanAction,
    PlanSection,
    Roadmap,
    RoadmapStep,
    RoadmapTransition,
    RoadmapVersion,
    SmallScaleAction,
)
from .snapshots import STEP_FIELDS

#: Where the ten roadmaps of a network stand, shuffled for each network.
FINAL_STATES = [RoadmapState.APPROVED] * 4 + [
    RoadmapState.SUBMITTED, RoadmapState.SUBMITTED,
    RoadmapState.IN_REVIEW, RoadmapState.IN_REVIEW,
    RoadmapState.CHANGES_REQUESTED, RoadmapState.CHANGES_REQUESTED,
]  # fmt: skip

#: Roadmap steps in the order a city takes them: (title, owner).
STEPS = [
    ("Set up the URBACT Local Group", "City coordinator"),
    ("Baseline study of the city's challenge", "City team"),
    ("Map what companies and associations already do", "ULG facilitator"),
    ("Interview residents in two neighbourhoods", "ULG facilitator"),
    ("Visit a good practice in a partner city", "City coordinator"),
    ("Agree the IAP's vision with the ULG", "ULG"),
    ("Agree the IAP objectives with the ULG", "City coordinator"),
    ("Collect ideas for actions", "ULG"),
    ("Choose the Small Scale Action", "ULG"),
    ("Design the Small Scale Action with residents", "City team"),
    ("Run the Small Scale Action", "City team"),
    ("Evaluate the Small Scale Action", "ULG facilitator"),
    ("Write the action table", "City team"),
    ("Estimate budgets and funding sources", "Finance department"),
    ("Define indicators and baselines", "City team"),
    ("Check the actions with the city departments", "City coordinator"),
    ("Peer review with the paired city", "City coordinator"),
    ("Public consultation on the draft plan", "Communication office"),
    ("Risk analysis of the actions", "City team"),
    ("Final IAP approved by the city council", "Deputy mayor"),
    ("Present the plan at the final event", "City coordinator"),
]
REVIEW_COMMENTS = [
    "Say which stakeholders take part and when the ULG meets on this.",
    "The due date looks tight; is the council meeting already fixed?",
    "Who owns this step in the city administration?",
    "Link this step to the Small Scale Action.",
    "Good: this is the step the other cities can learn from.",
]
CHANGES = [
    "Add the ULG meetings and a milestone for the Small Scale Action.",
    "Give each step an owner and a due date.",
    "The steps stop before the council vote; add the last months.",
]
#: (title, objective, responsible body, funding source, risk, mitigation)
ACTIONS = [
    ("Local pact with companies", "Companies commit to the city's goals", "Economic development",
     "City budget", "Few companies sign", "The chamber of commerce promotes the pact"),
    ("Neighbourhood hubs", "A place for residents' projects in each district", "Social services",
     "ERDF", "Hubs stay empty", "Run them with the neighbourhood associations"),
    ("Training programme", "Skills for 200 residents a year", "Employment office", "ESF+",
     "Low enrolment", "Courses in the evening and online"),
    ("Green corridors", "Shade and habitat along main streets", "Parks department",
     "City budget and a regional grant", "Dry summers", "Native species and rain gardens"),
    ("One-stop advice desk", "One place for residents' questions", "Citizens' office",
     "City budget", "Long waiting times", "Appointments online"),
    ("Open data dashboard", "Progress of the plan visible to all", "IT department",
     "Digital Europe", "Data not updated", "Quarterly updates by each owner"),
    ("Small grants for residents", "Fund 30 local initiatives a year", "Mayor's office",
     "City budget", "Grants go to the usual applicants", "Outreach in every district"),
    ("Public procurement criteria", "Social and green criteria in tenders", "Procurement office",
     "No extra cost", "Fewer bidders", "Market dialogue before tenders"),
    ("Annual city forum", "Residents and companies review the plan each year",
     "Communication office", "Sponsors", "Low turnout", "Hold it with a popular local event"),
]  # fmt: skip
INDICATORS = [
    ("Companies taking part", "0", "30"),
    ("Residents reached", "0", "2000"),
    ("Local initiatives funded", "0", "30"),
    ("Square metres of new green space", "0", "5000"),
    ("Share of tenders with social criteria", "5%", "40%"),
    ("People trained", "0", "200"),
    ("Residents who rate the service good", "45%", "70%"),
]
SSAS = [
    "Pop-up neighbourhood hub", "Company volunteering day", "Tree planting with residents",
    "Repair café in the library", "School street for a month", "Market stall for local growers",
    "Digital help desk at the town hall", "Shared energy in one housing block",
    "Open day of local social enterprises", "Night walk for a safer street",
]  # fmt: skip
SECTION_TEXTS = {
    SectionKind.CONTEXT: "{city} has many of the ingredients but little dialogue between "
    "them. The baseline study and the ULG's mapping show where to start.",
    SectionKind.OBJECTIVES: "1. Every district has a place for residents' projects.\n"
    "2. Thirty companies take part in the plan's actions.\n"
    "3. The city's departments work on the plan together.",
    SectionKind.ACTIONS: "The action table lists what the city and its partners will do, "
    "with owners, dates and budgets. The Small Scale Actions tested three of them.",
    SectionKind.FUNDING: "The city budget covers the first year; regional and European "
    "funds are sought for the larger actions.",
    SectionKind.MONITORING: "Each action has an owner and indicators with a baseline. The "
    "ULG reviews progress twice a year.",
    SectionKind.RISKS: "The main risks are low participation and the budget; each action "
    "says how it handles them.",
}


def load(*, context, stdout=None):
    made = Made(context)
    for gen in context["generated"]:
        rng = gen.random("iap")
        states = list(FINAL_STATES)
        rng.shuffle(states)
        for index, partner in enumerate(gen.partners):
            made.city(gen, rng, index, partner, states[index % len(states)])
    made.write()
    counts = context["counts"]
    counts["roadmaps"] = len(made.roadmaps)
    counts["roadmap steps"] = len(made.steps)
    counts["roadmap versions"] = len(made.versions)
    counts["roadmaps waiting for review"] = sum(
        1 for r in made.roadmaps if r.state == RoadmapState.SUBMITTED
    )
    counts["IAP actions"] = len(made.actions)
    counts["SSAs"] = len(made.ssas)


class Made:
    """The rows of every generated network, written together (parents first)."""

    def __init__(self, context):
        self.context = context
        self.now = context["now"]
        self.roadmaps, self.steps, self.plans, self.sections, self.actions = [], [], [], [], []
        self.indicators, self.action_people, self.ssas, self.ssa_people = [], [], [], []
        self.versions, self.transitions, self.comments = [], [], []
        #: Roadmaps whose history is written once their steps have keys.
        self.histories = []
        #: For the auto_now_add fields: (model, field) → {row: when}.
        self.dates = {}

    def when(self, row, field, moment):
        self.dates.setdefault((type(row), field), {})[id(row)] = (row, moment)

    def city(self, gen, rng, index, partner, final):
        roadmap = Roadmap(partner=partner, state=final)
        self.roadmaps.append(roadmap)
        steps = self.add_steps(gen, rng, roadmap)
        self.histories.append((gen, rng, index, roadmap, steps, final))
        plan = ActionPlan(
            partner=partner,
            state=RoadmapState.APPROVED
            if final == RoadmapState.APPROVED and rng.random() < 0.2
            else RoadmapState.DRAFT,
        )
        self.plans.append(plan)
        self.add_plan(gen, rng, index, plan)

    # Roadmaps ------------------------------------------------------------------------------

    def add_steps(self, gen, rng, roadmap):
        t = gen.timeline
        count = rng.randint(10, 20)
        chosen = sorted(rng.sample(range(len(STEPS)), count))
        steps = []
        for position, k in enumerate(chosen, start=1):
            title, owner = STEPS[k]
            starts = t.day(300 + position * 700 // count + rng.randint(-15, 15))
            due = min(starts + dt.timedelta(days=rng.randint(30, 120)), t.ends_on)
            if due < t.today:
                status = rng.choices(
                    [StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.BLOCKED], [8, 1, 1]
                )[0]
            elif starts <= t.today:
                status = StepStatus.IN_PROGRESS
            else:
                status = StepStatus.NOT_STARTED
            steps.append(
                RoadmapStep(
                    roadmap=roadmap,
                    position=position,
                    title=title,
                    description=f"{title} in {roadmap.partner.city}, with the local group.",
                    owner=owner,
                    starts_on=starts,
                    due_on=due,
                    status=status,
                    is_milestone=rng.random() < 0.2 or k == len(STEPS) - 2,
                    version=1 + rng.randint(0, 2),
                )
            )
        self.steps += steps
        return steps

    def history(self, gen, rng, index, roadmap, steps, final):
        """The three submissions and reviews that led to `final`, with what they told whom."""
        partner = roadmap.partner
        url = reverse("iap:roadmap", args=[gen.network.slug, partner.slug])
        team = gen.team(index)
        city_user = gen.city_coordinators[index]
        reviewer = gen.lead_expert
        approver = gen.lead_partner if not partner.is_lead_partner else gen.lead_expert
        deadline = gen.timeline.roadmap_deadline
        last = [None]
        clock = [at(deadline - dt.timedelta(days=rng.randint(2, 20)), rng.randint(8, 15))]

        def later(low, high):
            clock[0] += dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 5))
            return clock[0]

        def move(from_state, to_state, by, moment, comment=""):
            clock[0] = last[0] = moment
            row = RoadmapTransition(
                roadmap=roadmap, from_state=from_state, to_state=to_state, by=by, comment=comment
            )
            self.transitions.append(row)
            self.when(row, "at", moment)

        def submit(number, moment):
            comment = (
                "Our roadmap, discussed with the ULG."
                if number == 1
                else "Revised after the review: owners, dates and the ULG meetings added."
            )
            before = RoadmapState.DRAFT if number == 1 else RoadmapState.CHANGES_REQUESTED
            move(before, RoadmapState.SUBMITTED, city_user, moment, comment)
            version = RoadmapVersion(
                roadmap=roadmap, number=number, created_by=city_user,
                steps=snapshot(steps, number),
            )  # fmt: skip
            self.versions.append(version)
            self.when(version, "created_at", moment)
            self.notify(
                gen,
                [reviewer, gen.lead_partner],
                _("%(city)s submitted its IAP roadmap (version %(n)d)")
                % {"city": partner.city, "n": number},
                at=moment,
                url=url,
                body=comment,
            )
            if number == 1:
                roadmap.submitted_at = moment
                self.when(roadmap, "submitted_at", moment)
                self.deadline_reminders(gen, index, partner, moment, url)

        def review(moment):
            move(RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW, reviewer, moment)
            self.notify(
                gen, team, _("The review of your IAP roadmap has started"), at=moment, url=url
            )
            for step in rng.sample(steps, rng.randint(1, 2)):
                body = rng.choice(REVIEW_COMMENTS)
                moment = min(later(0, 2), self.now - dt.timedelta(hours=1))
                self.thread(roadmap, step, reviewer, body, moment, settled=settled[0])
                self.notify(
                    gen,
                    team,
                    _("New comment on the IAP roadmap of %(city)s") % {"city": partner.city},
                    at=moment,
                    url=url,
                    body=body,
                )

        def request_changes(moment):
            comment = rng.choice(CHANGES)
            move(RoadmapState.IN_REVIEW, RoadmapState.CHANGES_REQUESTED, reviewer, moment, comment)
            self.notify(
                gen,
                team,
                _("Changes requested on your IAP roadmap"),
                at=moment,
                url=url,
                body=comment,
            )

        settled = [True]  # the threads of earlier rounds were answered and resolved
        for number in (1, 2):
            submit(number, clock[0])
            review(later(1, 6))
            request_changes(later(1, 5))
            later(12, 35)
        settled[0] = final == RoadmapState.APPROVED
        if final == RoadmapState.SUBMITTED:
            submit(3, max(clock[0], self.now - dt.timedelta(days=rng.randint(1, 10))))
        elif final == RoadmapState.IN_REVIEW:
            clock[0] = max(clock[0], self.now - dt.timedelta(days=rng.randint(12, 25)))
            submit(3, clock[0])
            review(max(later(1, 3), self.now - dt.timedelta(days=rng.randint(2, 10))))
        else:
            submit(3, clock[0])
            review(later(1, 6))
            if final == RoadmapState.CHANGES_REQUESTED:
                request_changes(later(1, 5))
            else:
                moment = later(1, 5)
                comment = "Clear steps and owners. Approved."
                move(RoadmapState.IN_REVIEW, RoadmapState.APPROVED, approver, moment, comment)
                self.notify(
                    gen,
                    [*team, gen.coordinator],
                    _("%(city)s's IAP roadmap is approved") % {"city": partner.city},
                    at=moment,
                    url=url,
                    body=comment,
                )
        self.when(roadmap, "state_since", last[0])

    def deadline_reminders(self, gen, index, partner, first_submission, url):
        """The reminders the obligation reminders sent to a city not yet submitted."""
        deadline = gen.timeline.roadmap_deadline
        for days in (14, 3):
            moment = at(deadline - dt.timedelta(days=days), 6)
            if moment < first_submission:
                self.notify(
                    gen,
                    gen.team(index),
                    _("Your IAP roadmap is due in %(days)d days (%(date)s)")
                    % {"days": days, "date": deadline.isoformat()},
                    at=moment,
                    url=url,
                )

    def notify(self, gen, recipients, title, *, at, url, body=""):
        """What the service's notify() would have written, with its e-mail (sent)."""
        tell(
            self.context,
            recipients=recipients,
            network=gen.network,
            title=title,
            at=at,
            body=body,
            url=url,
            email=True,
        )

    # Plans and Small Scale Actions --------------------------------------------------------------

    def add_plan(self, gen, rng, index, plan):
        t = gen.timeline
        partner = plan.partner
        people = gen.stakeholders[index]
        url = reverse("iap:plan", args=[gen.network.slug, partner.slug])
        for kind in SectionKind.values:
            empty = kind in (SectionKind.FUNDING, SectionKind.RISKS) and rng.random() < 0.3
            section = PlanSection(
                plan=plan,
                kind=kind,
                body="" if empty else SECTION_TEXTS[kind].format(city=partner.city),
                version=1 if empty else 1 + rng.randint(1, 5),
            )
            self.sections.append(section)
            if not empty and rng.random() < 0.15:
                body = "Name the departments involved and what each does."
                moment = at(t.today - dt.timedelta(days=rng.randint(3, 120)), 11)
                self.thread(plan, section, gen.lead_expert, body, moment, settled=False)
                self.notify(
                    gen,
                    gen.team(index),
                    _("Comment on the IAP section “%(section)s”")
                    % {"section": section.get_kind_display()},
                    at=moment,
                    url=url,
                    body=body,
                )
        actions = []
        for title, objective, body, funding, risk, mitigation in rng.sample(
            ACTIONS, rng.randint(4, 8)
        ):
            starts = t.day(rng.randint(500, 800))
            action = PlanAction(
                plan=plan, title=title, objective=objective, responsible_body=body,
                starts_on=starts, ends_on=starts + dt.timedelta(days=rng.randint(90, 400)),
                budget=Decimal(rng.randrange(5_000, 250_000, 500)), funding_source=funding,
                risk=risk, mitigation=mitigation, version=1 + rng.randint(0, 2),
            )  # fmt: skip
            actions.append(action)
            self.indicators += [
                Indicator(action=action, name=name, baseline=baseline, target=target)
                for name, baseline, target in rng.sample(INDICATORS, rng.randint(1, 3))
            ]
            self.action_people += [
                (action, person) for person in rng.sample(people, rng.randint(1, 3))
            ]
        self.actions += actions
        for title in rng.sample(SSAS, 5):
            self.ssas.append(self.ssa(rng, t, partner, title, rng.choice(actions), people))

    def ssa(self, rng, t, partner, title, action, people):
        starts = t.day(rng.randint(480, 720))
        ends = starts + dt.timedelta(days=rng.randint(30, 150))
        if rng.random() < 0.1:
            status = SsaStatus.IDEA
        elif ends < t.today:
            status = SsaStatus.EVALUATED
        elif starts <= t.today:
            status = SsaStatus.RUNNING
        else:
            status = SsaStatus.PLANNED
        evaluated = status == SsaStatus.EVALUATED
        ssa = SmallScaleAction(
            partner=partner, action=action, title=title,
            tests_what=f"Whether “{action.title.lower()}” works in {partner.city}.",
            description=f"{title}, prepared with the local group.",
            budget=Decimal(rng.randrange(2_000, 20_000, 250)),
            starts_on=None if status == SsaStatus.IDEA else starts,
            ends_on=None if status == SsaStatus.IDEA else ends,
            status=status,
            results="More people came than expected; two companies joined." if evaluated else "",
            done="Two workshops with residents and local companies." if evaluated else "",
            version=1 + rng.randint(0, 3),
        )  # fmt: skip
        self.ssa_people += [(ssa, person) for person in rng.sample(people, rng.randint(2, 4))]
        return ssa

    def thread(self, document, part, reviewer, body, moment, *, settled):
        """A reviewer's comment on a step or a section, resolved if `settled`; written once
        the document and its part have their keys (`write_threads`)."""
        thread = Thread(
            network_id=document.partner.network_id,
            partner=document.partner,
            anchor_label=str(part)[:300],
            side=Side.REVIEWER,
            state=ThreadState.RESOLVED if settled else ThreadState.OPEN,
            resolved_at=moment if settled else None,
            resolved_by=reviewer if settled else None,
            opened_by=reviewer,
        )
        message = Message(thread=thread, author=reviewer, side=Side.REVIEWER, body=body)
        self.comments.append((thread, message, document, part))
        self.when(thread, "opened_at", moment)
        self.when(message, "written_at", moment)

    def write_threads(self):
        types = {model: ContentType.objects.get_for_model(model) for model in (
            Roadmap, ActionPlan, RoadmapStep, PlanSection)}  # fmt: skip
        for thread, _message, document, part in self.comments:
            thread.document_type = types[type(document)]
            thread.document_id = document.pk
            thread.anchor_type = types[type(part)]
            thread.anchor_id = part.pk
        Thread.objects.bulk_create([c[0] for c in self.comments], batch_size=BATCH)
        Message.objects.bulk_create([c[1] for c in self.comments], batch_size=BATCH)

    # Writing ------------------------------------------------------------------------------------

    def write(self):
        """Parents first: a row given an unsaved parent takes its key once the parent has one."""
        Roadmap.objects.bulk_create(self.roadmaps, batch_size=BATCH)
        RoadmapStep.objects.bulk_create(self.steps, batch_size=BATCH)
        for history in self.histories:
            self.history(*history)
        RoadmapVersion.objects.bulk_create(self.versions, batch_size=BATCH)
        RoadmapTransition.objects.bulk_create(self.transitions, batch_size=BATCH)
        ActionPlan.objects.bulk_create(self.plans, batch_size=BATCH)
        PlanSection.objects.bulk_create(self.sections, batch_size=BATCH)
        self.write_threads()
        PlanAction.objects.bulk_create(self.actions, batch_size=BATCH)
        Indicator.objects.bulk_create(self.indicators, batch_size=BATCH)
        through = PlanAction.stakeholders.through
        through.objects.bulk_create(
            [through(planaction_id=a.pk, stakeholder_id=p.pk) for a, p in self.action_people],
            batch_size=BATCH,
        )
        SmallScaleAction.objects.bulk_create(self.ssas, batch_size=BATCH)
        through = SmallScaleAction.stakeholders.through
        through.objects.bulk_create(
            [through(smallscaleaction_id=s.pk, stakeholder_id=p.pk) for s, p in self.ssa_people],
            batch_size=BATCH,
        )
        for (model, field), rows in self.dates.items():
            backdate(model, field, {row.pk: moment for row, moment in rows.values()})


def snapshot(steps, number):
    """The steps as submitted in version `number` (as iap.services._snapshot freezes them):
    the last steps came with the later versions, and the first version's dates were later."""
    shown = steps[: len(steps) - (3 - number)] if number < 3 else steps
    frozen = []
    for step in shown:
        values = {name: getattr(step, name) for name in STEP_FIELDS}
        if number == 1 and step.due_on:
            values["due_on"] = step.due_on + dt.timedelta(days=30)
        if number < 3 and values["status"] == StepStatus.DONE:
            values["status"] = StepStatus.IN_PROGRESS
        frozen.append(
            {"id": step.pk, **{k: "" if v is None else str(v) for k, v in values.items()}}
        )
    return frozen
