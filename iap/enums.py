from django.db import models
from django.utils.translation import gettext_lazy as _


class RoadmapState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")


class RoadmapAction(models.TextChoices):
    """What a person asks of the review workflow; each is one service in iap.services."""

    SUBMIT = "submit", _("Submit the roadmap")
    START_REVIEW = "start_review", _("Start the review")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    APPROVE = "approve", _("Approve")
    REOPEN = "reopen", _("Reopen (give the reason)")


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    FINAL = "final", _("Final")


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
