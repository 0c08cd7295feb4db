"""The network's rubric for the Integrated Action Plans, and the lead expert's scores.

The coordinator and the lead expert set the criteria (each about one section of the IAP
or about the whole plan); the reviewers score each submitted version against them, one
level (iap.enums.RubricLevel) and a comment per criterion. Scoring is a reviewer's action:
it starts the review by itself (reviews.services.begin_review). A removed criterion keeps
the scores already given, under its title. `scores_of` reads them back as a table of
criteria by versions, with how each score changed since the version before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Max, QuerySet, TextField, Value
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Network, User
from reviews import services as engine
from reviews.enums import ReviewState

from .enums import RubricLevel, SectionKind
from .models import ActionPlan, PlanVersion, RubricCriterion, RubricScore

#: URBACT's usual criteria, which every new network starts with: (title, what the
#: reviewer looks for, the section it is about or "" for the whole plan). The network
#: changes them on its rubric page. (Migration 0009 gave the networks of that day a
#: frozen copy of these.)
DEFAULT_CRITERIA = [
    (
        gettext_lazy("Integrated approach"),
        gettext_lazy(
            "Does the plan join up the policy areas, levels of government and sectors that "
            "the challenge needs, and the places it concerns?"
        ),
        "",
    ),
    (
        gettext_lazy("Stakeholder participation"),
        gettext_lazy(
            "Did the URBACT Local Group and the people concerned shape the plan, and do they "
            "have a part in delivering it?"
        ),
        "",
    ),
    (
        gettext_lazy("Realism of the action table"),
        gettext_lazy(
            "Is each action specific, with an owner, dates and resources that fit together?"
        ),
        SectionKind.ACTIONS,
    ),
    (
        gettext_lazy("Funding"),
        gettext_lazy("Is each action's cost estimated, with a credible funding source named?"),
        SectionKind.FUNDING,
    ),
    (
        gettext_lazy("Monitoring and indicators"),
        gettext_lazy("Do indicators with baselines and targets show whether the plan works?"),
        SectionKind.MONITORING,
    ),
    (
        gettext_lazy("Risks"),
        gettext_lazy("Are the main risks named, each with a way to reduce it?"),
        SectionKind.RISKS,
    ),
]

#: Where a criterion may move: before the one above it, or after the one below it.
UP, DOWN = "up", "down"
DIRECTIONS = (UP, DOWN)


def _require(user: User, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(_("You may not do this now."))


# Reads --------------------------------------------------------------------------------------


def criteria_of(*, network: Network) -> QuerySet[RubricCriterion]:
    """The network's criteria in their order, each with the number of scores given
    against it (`score_count`)."""
    return network.rubric.annotate(score_count=Count("scores")).order_by("position", "pk")


# The criteria ---------------------------------------------------------------------------------


@transaction.atomic
def rubric_for_new_network(*, network: Network) -> int:
    """Give a network URBACT's usual criteria, in the language active now, if it has no
    criterion at all (a network that changed its rubric keeps it). Returns how many were
    added."""
    if network.rubric.exists():
        return 0
    made = RubricCriterion.objects.bulk_create(default_criteria(network), ignore_conflicts=True)
    return len(made)


def default_criteria(network: Network) -> list[RubricCriterion]:
    """URBACT's usual criteria for `network`, not saved yet (the generated networks of
    `load_demo --scale` write them in bulk)."""
    return [
        RubricCriterion(
            network=network,
            title=str(title),
            guidance=str(guidance),
            section=section,
            position=position,
        )
        for position, (title, guidance, section) in enumerate(DEFAULT_CRITERIA, start=1)
    ]


def _title_taken(network: Network, title: str, criterion: RubricCriterion | None) -> bool:
    others = network.rubric.filter(title__iexact=title)
    if criterion is not None and criterion.pk:
        others = others.exclude(pk=criterion.pk)
    return others.exists()


TITLE_TAKEN = gettext_lazy("The rubric already has a criterion with this title.")


@transaction.atomic
def criterion_save(
    *, user: User, network: Network, data: dict, criterion: RubricCriterion | None = None
) -> RubricCriterion:
    """Add a criterion at the end of the rubric, or change one. `data`: title, guidance,
    section. Scores already given keep the title they were given under."""
    _require(user, "iap.manage_rubric", network)
    if criterion is None:
        last = network.rubric.aggregate(last=Max("position"))["last"] or 0
        criterion = RubricCriterion(network=network, position=last + 1)
    elif criterion.network_id != network.pk:
        raise Http404
    title = data["title"].strip()
    if _title_taken(network, title, criterion):
        raise ValidationError({"title": TITLE_TAKEN})
    criterion.title = title
    criterion.guidance = data.get("guidance", "")
    criterion.section = data.get("section", "")
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError:  # the same title saved a moment ago by someone else
        raise ValidationError({"title": TITLE_TAKEN}) from None
    return criterion


@transaction.atomic
def criterion_remove(*, user: User, criterion: RubricCriterion) -> None:
    """Take the criterion off the rubric. The scores given against it stay, with its
    title, in the versions they were given for."""
    _require(user, "iap.manage_rubric", criterion.network)
    RubricCriterion.objects.filter(pk=criterion.pk).delete()


@transaction.atomic
def criterion_move(*, user: User, criterion: RubricCriterion, direction: str) -> bool:
    """Swap the criterion with its neighbour ("up": the one before, "down": the one after)
    and number the rubric 1, 2, 3… again. The network's criteria are locked in their
    order first, so that two moves happen one after the other. At either end nothing
    moves and False is returned."""
    network = criterion.network
    _require(user, "iap.manage_rubric", network)
    if direction not in DIRECTIONS:
        raise ValidationError(_("A criterion moves up or down."))
    criteria = list(network.rubric.select_for_update().order_by("position", "pk"))
    index = next((i for i, each in enumerate(criteria) if each.pk == criterion.pk), None)
    if index is None:
        raise Http404  # removed a moment ago by someone else
    other = index - 1 if direction == UP else index + 1
    moved = 0 <= other < len(criteria)
    if moved:
        criteria[index], criteria[other] = criteria[other], criteria[index]
    for position, each in enumerate(criteria, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
    return moved


# Scores ----------------------------------------------------------------------------------------


def latest_version_of(plan: ActionPlan) -> PlanVersion | None:
    return engine.latest_version(plan)


@transaction.atomic
def score_save(
    *, user: User, plan: ActionPlan, version: int, levels: dict[int, tuple[int, str]]
) -> PlanVersion:
    """The reviewer scores the plan's latest version: `levels` maps a criterion's id to
    (level, comment). Scoring a version again changes its scores; the review starts by
    itself at the first score. `version` is the number the reviewer had before them: if
    the city has submitted another one since, nothing is saved."""
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partner__network")
        .get(pk=plan.pk)
    )
    _require(user, "iap.score_plan", plan)
    latest = latest_version_of(plan)
    if latest is None or latest.number != version:
        raise ValidationError(
            _(
                "The city has submitted another version since you opened this page; "
                "nothing was saved. Score the version shown now."
            )
        )
    if not levels:
        raise ValidationError(_("Choose a level for at least one criterion."))
    for level, comment in levels.values():
        if level not in RubricLevel.values:
            raise ValidationError(_("Choose one of the levels shown."))
        if "\x00" in comment:
            raise ValidationError(_("The comment contains a character that cannot be saved."))
    criteria = {c.pk: c for c in plan.partner.network.rubric.filter(pk__in=list(levels))}
    if not criteria:
        raise ValidationError(_("These criteria have been removed from the rubric meanwhile."))
    engine.begin_review(user=user, document=plan)
    for pk, criterion in criteria.items():
        level, comment = levels[pk]
        RubricScore.objects.update_or_create(
            version=latest,
            criterion=criterion,
            defaults={
                "criterion_title": criterion.title,
                "level": level,
                "comment": comment,
                "scored_by": user,
            },
        )
    return latest


@dataclass
class ScoreCell:
    """One criterion's score in one version, and how it changed since the version before
    it in the table."""

    version: int
    level: int
    comment: str = ""
    previous_version: int | None = None
    previous_level: int | None = None

    @property
    def label(self) -> str:
        return RubricLevel(self.level).label

    @property
    def change(self) -> str:
        """ "up", "down", "same", or "" when the version before has no score for it."""
        if self.previous_level is None:
            return ""
        if self.level > self.previous_level:
            return "up"
        if self.level < self.previous_level:
            return "down"
        return "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→"}.get(self.change, "")

    @property
    def change_text(self) -> str:
        """How the score changed, in one whole sentence."""
        if not self.change:
            return ""
        values = {"level": RubricLevel(self.previous_level).label, "n": self.previous_version}
        if self.change == "up":
            return _("Up from “%(level)s” in version %(n)d.") % values
        if self.change == "down":
            return _("Down from “%(level)s” in version %(n)d.") % values
        return _("The same as in version %(n)d.") % values


@dataclass
class CriterionRow:
    """A criterion (or a removed one, known by the title its scores kept) and its score
    in each version of the table (None where it was not scored)."""

    title: str
    criterion_id: int | None = None
    guidance: str = ""
    section: str = ""
    removed: bool = False
    cells: list[ScoreCell | None] = field(default_factory=list)

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label if self.section else ""

    @property
    def latest(self) -> ScoreCell | None:
        return next((cell for cell in reversed(self.cells) if cell is not None), None)

    def latest_before(self, number: int) -> ScoreCell | None:
        """Its last score in a version before version `number`."""
        return next((c for c in reversed(self.cells) if c is not None and c.version < number), None)


@dataclass
class RubricTable:
    """The rubric of a plan: the criteria, the versions scored (their numbers, oldest
    first) and each criterion's score in each of them. True when there is something to
    show: a criterion, or a score."""

    versions: list[int]
    rows: list[CriterionRow]
    #: The network's criteria now, in their order (for the scoring form).
    criteria: list[RubricCriterion] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def scored(self) -> bool:
        return bool(self.versions)

    @cached_property
    def by_section(self) -> dict[str, list[CriterionRow]]:
        """The rows about each section of the IAP, to show next to the section."""
        found = defaultdict(list)
        for row in self.rows:
            if row.section:
                found[row.section].append(row)
        return dict(found)


#: The columns read by `_criteria_and_scores`, the same for a criterion and for a score.
_COLUMNS = ("key", "title", "guidance", "section", "position", "number", "score", "note")


def _criteria_and_scores(plan: ActionPlan) -> tuple[list[RubricCriterion], list[dict]]:
    """The network's criteria in their order, and the plan's scores (oldest version
    first), read together in one query: a UNION of the rows of both tables, where a
    criterion has no version number. A plan never submitted has no score to read."""
    no_number = Value(None, output_field=IntegerField())
    criteria = (
        plan.partner.network.rubric.order_by()
        .annotate(number=no_number, score=no_number, note=Value("", output_field=TextField()))
        .values_list("pk", "title", "guidance", "section", "position", "number", "score", "note")
    )
    rows = criteria
    if not (plan.state == ReviewState.DRAFT and plan.submitted_at is None):
        blank = Value("", output_field=TextField())
        scores = (
            RubricScore.objects.filter(version__plan=plan)
            .order_by()
            .annotate(no_guidance=blank, no_section=blank, no_position=Value(0))
            .values_list(
                "criterion_id", "criterion_title", "no_guidance", "no_section", "no_position",
                "version__number", "level", "comment",
            )
        )  # fmt: skip
        rows = criteria.union(scores, all=True)
    found = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
    network_id = plan.partner.network_id
    ordered = sorted(
        (r for r in found if r["number"] is None), key=lambda r: (r["position"], r["key"])
    )
    return (
        [
            RubricCriterion(
                pk=r["key"],
                network_id=network_id,
                title=r["title"],
                guidance=r["guidance"],
                section=r["section"],
                position=r["position"],
            )
            for r in ordered
        ],
        sorted(
            (r for r in found if r["number"] is not None), key=lambda r: (r["number"], r["title"])
        ),
    )


def scores_of(*, plan: ActionPlan) -> RubricTable:
    """The network's criteria (then the removed ones that have scores) by the versions
    of the plan that were scored, each score with how it changed since the version
    before. One query, whatever the number of criteria and versions."""
    criteria, scores = _criteria_and_scores(plan)
    rows: dict = {
        criterion.pk: CriterionRow(
            title=criterion.title,
            criterion_id=criterion.pk,
            guidance=criterion.guidance,
            section=criterion.section,
        )
        for criterion in criteria
    }
    versions = sorted({score["number"] for score in scores})
    column = {number: index for index, number in enumerate(versions)}
    for row in rows.values():
        row.cells = [None] * len(versions)
    for score in scores:
        key = score["key"] or ("removed", score["title"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = CriterionRow(
                title=score["title"], removed=True, cells=[None] * len(versions)
            )
        row.cells[column[score["number"]]] = ScoreCell(
            version=score["number"], level=score["score"], comment=score["note"]
        )
    for row in rows.values():
        for before, cell in zip([None, *row.cells], row.cells, strict=False):
            if cell is not None and before is not None:
                cell.previous_version, cell.previous_level = before.version, before.level
    return RubricTable(versions=versions, rows=list(rows.values()), criteria=criteria)
