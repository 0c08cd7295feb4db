"""Each city's IAP roadmap (reviewed by the lead expert), its Integrated Action Plan and
its Small Scale Actions."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, Stakeholder
from portal.markdown import validate_markdown
from portal.validators import plausible_date
from portal.versioning import Versioned

from .enums import (
    PlanStatus,
    RoadmapState,
    SectionKind,
    SsaStatus,
    StepStatus,
)

USER = settings.AUTH_USER_MODEL


class Roadmap(models.Model):
    """A city's roadmap towards its IAP, created with the city. Its state changes only
    through iap.services."""

    partner = models.OneToOneField(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, related_name="roadmap"
    )
    state = models.CharField(
        _("state"), max_length=30, choices=RoadmapState.choices, default=RoadmapState.DRAFT
    )
    state_since = models.DateTimeField(_("in this state since"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("IAP roadmap")
        verbose_name_plural = _("IAP roadmaps")
        ordering = ["partner__city"]

    def __str__(self):
        return f"{self.partner.city}: IAP roadmap"

    def get_absolute_url(self):
        return reverse("iap:roadmap", args=[self.partner.network.slug, self.partner.slug])

    @property
    def is_editable(self):
        return self.state in (RoadmapState.DRAFT, RoadmapState.CHANGES_REQUESTED)


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


class RoadmapVersion(models.Model):
    """What the city submitted, frozen: the steps as they were at that submission."""

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
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


class RoadmapTransition(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=30, choices=RoadmapState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=RoadmapState.choices)
    by = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("roadmap transition")
        verbose_name_plural = _("roadmap transitions")
        ordering = ["roadmap", "at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class RoadmapComment(models.Model):
    """Feedback on the whole roadmap or on one step."""

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="comments"
    )
    step = models.ForeignKey(
        RoadmapStep, verbose_name=_("step"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="comments",
    )  # fmt: skip
    step_title = models.CharField(_("title of the step"), max_length=300, blank=True)
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roadmap comment")
        verbose_name_plural = _("roadmap comments")
        ordering = ["roadmap", "-created_at", "-pk"]

    def __str__(self):
        return self.body[:60]


class ActionPlan(models.Model):
    """A city's Integrated Action Plan, created with the city and its sections."""

    partner = models.OneToOneField(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, related_name="action_plan"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFTING
    )

    class Meta:
        verbose_name = _("Integrated Action Plan")
        verbose_name_plural = _("Integrated Action Plans")

    def __str__(self):
        return f"{self.partner.city}: IAP"

    def get_absolute_url(self):
        return reverse("iap:plan", args=[self.partner.network.slug, self.partner.slug])


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
        return self.plan.partner


class SectionComment(models.Model):
    section = models.ForeignKey(
        PlanSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["section", "-created_at"]
        verbose_name = _("section comment")
        verbose_name_plural = _("section comments")

    def __str__(self):
        return self.body[:60]


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
        return self.plan.partner


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
    change_permission = "iap.edit_plan"

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
    results = models.TextField(_("results"), blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)

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
