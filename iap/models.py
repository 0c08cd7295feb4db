"""Each city's IAP roadmap (reviewed by the lead expert), its Integrated Action Plan and
its Small Scale Actions."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, Stakeholder
from portal.markdown import validate_markdown
from portal.validators import plausible_date
from portal.versioning import Versioned
from reviews.models import FrozenVersion, Reviewed, StateChange, Thread

from .enums import (
    RubricLevel,
    SectionKind,
    SsaStatus,
    StepStatus,
)

USER = settings.AUTH_USER_MODEL


class Roadmap(Reviewed):
    """A city's roadmap towards its IAP, created with the city. Reviewed through the
    review engine (reviews.services)."""

    review_kind = "roadmap"
    version_field = "steps"
    part_of = "roadmap"

    partner = models.OneToOneField(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, related_name="roadmap"
    )
    threads = GenericRelation(
        Thread,
        content_type_field="document_type",
        object_id_field="document_id",
        related_query_name="roadmap",
    )

    class Meta:
        verbose_name = _("IAP roadmap")
        verbose_name_plural = _("IAP roadmaps")
        ordering = ["partner__city"]

    def __str__(self):
        return f"{self.partner.city}: IAP roadmap"

    def get_absolute_url(self):
        return reverse("iap:roadmap", args=[self.partner.network.slug, self.partner.slug])

    def snapshot(self):
        from .snapshots import roadmap_snapshot

        return roadmap_snapshot(self)

    def can_be_submitted(self) -> str:
        if not self.steps.exists():
            return str(_("Add at least one step before submitting the roadmap."))
        return ""


class RoadmapStep(Versioned):
    change_permission = "iap.edit_roadmap"

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True, validators=[plausible_date])
    due_on = models.DateField(_("due"), null=True, blank=True, validators=[plausible_date])
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    is_milestone = models.BooleanField(_("milestone"), default=False)

    class Meta:
        verbose_name = _("roadmap step")
        verbose_name_plural = _("roadmap steps")
        ordering = ["roadmap", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(due_on__gte=F("starts_on")),
                name="step_due_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def permission_object(self):
        return self.roadmap


class RoadmapVersion(FrozenVersion):
    """What the city submitted, frozen: the steps as they were at that submission."""

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="versions"
    )
    steps = models.JSONField(_("steps"))

    class Meta:
        verbose_name = _("roadmap version")
        verbose_name_plural = _("roadmap versions")
        ordering = ["roadmap", "number"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="roadmap_version_unique")
        ]

    def __str__(self):
        return f"{self.roadmap} v{self.number}"

    @property
    def content(self):
        return self.steps


class RoadmapTransition(StateChange):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        verbose_name = _("roadmap transition")
        verbose_name_plural = _("roadmap transitions")
        ordering = ["roadmap", "at", "pk"]


class ActionPlan(Reviewed):
    """A city's Integrated Action Plan, created with the city and its sections; reviewed
    through the review engine (reviews.services), with the network's rubric."""

    review_kind = "plan"
    part_of = "plan"

    partner = models.OneToOneField(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, related_name="action_plan"
    )
    threads = GenericRelation(
        Thread,
        content_type_field="document_type",
        object_id_field="document_id",
        related_query_name="plan",
    )

    class Meta:
        verbose_name = _("Integrated Action Plan")
        verbose_name_plural = _("Integrated Action Plans")

    def __str__(self):
        return f"{self.partner.city}: IAP"

    def get_absolute_url(self):
        return reverse("iap:plan", args=[self.partner.network.slug, self.partner.slug])

    def snapshot(self):
        from .snapshots import plan_snapshot

        return plan_snapshot(self)

    def can_be_submitted(self) -> str:
        if not self.sections.exclude(body="").exists():
            return str(_("Write at least one section before submitting the plan."))
        return ""


class PlanVersion(FrozenVersion):
    """The plan as the city submitted it: its sections and its action table."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("IAP version")
        verbose_name_plural = _("IAP versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class PlanTransition(StateChange):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        verbose_name = _("IAP transition")
        verbose_name_plural = _("IAP transitions")
        ordering = ["plan", "at", "pk"]


class RubricCriterion(models.Model):
    """A criterion the network reviews every IAP against, about one section or the whole
    plan (URBACT's usual ones: integrated approach, stakeholder participation, …)."""

    network = models.ForeignKey(
        "partners.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="rubric",
    )
    title = models.CharField(_("criterion"), max_length=200)
    guidance = models.TextField(_("what the reviewer looks for"), blank=True)
    section = models.CharField(
        _("section"),
        max_length=20,
        choices=SectionKind.choices,
        blank=True,
        help_text=_("Leave empty for a criterion about the whole plan."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["network", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "title"], name="rubric_criterion_unique")
        ]

    def __str__(self):
        return self.title


class RubricScore(models.Model):
    """The lead expert's score of one version of a plan against one criterion."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        verbose_name=_("criterion"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="scores",
    )
    criterion_title = models.CharField(_("criterion"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("score"),
        choices=RubricLevel.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        USER, verbose_name=_("scored by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("rubric score")
        verbose_name_plural = _("rubric scores")
        ordering = ["version", "criterion__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "criterion"], name="one_score_per_criterion_and_version"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="rubric_level_in_scale"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_title}: {self.get_level_display()}"


class PlanSection(Versioned):
    change_permission = "iap.edit_plan"

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(_("section"), max_length=20, choices=SectionKind.choices)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown."), validators=[validate_markdown]
    )

    class Meta:
        verbose_name = _("IAP section")
        verbose_name_plural = _("IAP sections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="one_section_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()

    def permission_object(self):
        return self.plan


class PlanAction(Versioned):
    """A row of the IAP's action table."""

    change_permission = "iap.edit_plan"

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    objective = models.CharField(_("objective"), max_length=300, blank=True)
    responsible_body = models.CharField(_("responsible body"), max_length=200, blank=True)
    stakeholders = models.ManyToManyField(
        Stakeholder, verbose_name=_("stakeholders involved"), blank=True, related_name="+"
    )
    starts_on = models.DateField(_("start"), null=True, blank=True, validators=[plausible_date])
    ends_on = models.DateField(_("end"), null=True, blank=True, validators=[plausible_date])
    budget = models.DecimalField(
        _("estimated budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    risk = models.TextField(_("risk"), blank=True)
    mitigation = models.TextField(_("mitigation"), blank=True)

    class Meta:
        verbose_name = _("IAP action")
        verbose_name_plural = _("IAP actions")
        ordering = ["plan", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="action_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="action_budget_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def permission_object(self):
        return self.plan


class Indicator(models.Model):
    action = models.ForeignKey(
        PlanAction, verbose_name=_("action"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    baseline = models.CharField(_("baseline"), max_length=100, blank=True)
    target = models.CharField(_("target"), max_length=100, blank=True)

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class SmallScaleAction(Versioned):
    change_permission = "iap.edit_ssa"

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="small_scale_actions",
    )
    action = models.ForeignKey(
        PlanAction, verbose_name=_("IAP action it tests"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="small_scale_actions",
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    tests_what = models.TextField(_("what it tests"), blank=True)
    description = models.TextField(_("description"), blank=True)
    stakeholders = models.ManyToManyField(
        Stakeholder, verbose_name=_("ULG stakeholders involved"), blank=True, related_name="+"
    )
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("start"), null=True, blank=True, validators=[plausible_date])
    ends_on = models.DateField(_("end"), null=True, blank=True, validators=[plausible_date])
    status = models.CharField(
        _("status"), max_length=20, choices=SsaStatus.choices, default=SsaStatus.IDEA
    )
    done = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results"), blank=True)

    class Meta:
        verbose_name = _("Small Scale Action")
        verbose_name_plural = _("Small Scale Actions")
        ordering = ["partner", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="ssa_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "iap:ssa_detail", args=[self.partner.network.slug, self.partner.slug, self.pk]
        )

    def permission_object(self):
        return self.partner


class SsaIndicator(models.Model):
    """What a Small Scale Action set out to change, and what it achieved."""

    ssa = models.ForeignKey(
        SmallScaleAction,
        verbose_name=_("Small Scale Action"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=200)
    target = models.CharField(_("target"), max_length=100, blank=True)
    result = models.CharField(_("result"), max_length=100, blank=True)

    class Meta:
        ordering = ["ssa", "pk"]
        verbose_name = _("SSA indicator")
        verbose_name_plural = _("SSA indicators")

    def __str__(self):
        return self.name


class SsaLesson(models.Model):
    """A lesson a Small Scale Action taught; it may become an action of the IAP."""

    ssa = models.ForeignKey(
        SmallScaleAction,
        verbose_name=_("Small Scale Action"),
        on_delete=models.CASCADE,
        related_name="lesson_items",
    )
    text = models.TextField(_("lesson"))
    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("IAP action it became"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_lessons",
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["ssa", "pk"]
        verbose_name = _("SSA lesson")
        verbose_name_plural = _("SSA lessons")

    def __str__(self):
        return self.text[:60]


def ssa_file_path(instance, filename):
    return f"iap/ssa/{instance.ssa_id}/{uuid.uuid4().hex}/{Path(filename).name}"


def ssa_thumbnail_path(instance, filename):
    return f"iap/ssa/{instance.ssa_id}/thumbnails/{uuid.uuid4().hex}.jpg"


class SsaFile(models.Model):
    ssa = models.ForeignKey(
        SmallScaleAction,
        verbose_name=_("Small Scale Action"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("photo or document"), upload_to=ssa_file_path)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=ssa_thumbnail_path, max_length=300, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["ssa", "title"]
        verbose_name = _("SSA photo or document")
        verbose_name_plural = _("SSA photos and documents")

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return Path(self.file.name).name
