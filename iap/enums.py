from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.enums import ReviewState

#: The roadmap and the IAP share the review engine's states (reviews.enums).
RoadmapState = ReviewState


class RubricLevel(models.IntegerChoices):
    """How far an IAP section meets a criterion of the network's rubric."""

    NOT_ADDRESSED = 1, _("Not addressed")
    PARTLY = 2, _("Partly met")
    LARGELY = 3, _("Largely met")
    FULLY = 4, _("Fully met")


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class SectionKind(models.TextChoices):
    CONTEXT = "context", _("Context and baseline")
    OBJECTIVES = "objectives", _("Objectives")
    ACTIONS = "actions", _("Actions")
    FUNDING = "funding", _("Funding")
    MONITORING = "monitoring", _("Monitoring")
    RISKS = "risks", _("Risks")


class SsaStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    EVALUATED = "evaluated", _("Evaluated")
