from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    """Where a reviewed document (a roadmap, an IAP) stands.

    draft → (with the paired cities →) submitted → in review → changes requested →
    (resubmitted) … → approved. A submission is withdrawn by its city before the lead
    expert's review starts; the review starts by itself with the reviewer's first
    comment or decision."""

    DRAFT = "draft", _("Draft")
    PEER_REVIEW = "peer_review", _("With the paired cities")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")

    @classmethod
    def editable(cls):
        return [cls.DRAFT, cls.CHANGES_REQUESTED]

    @classmethod
    def withdrawable(cls):
        """Submitted, and the lead expert's review has not started."""
        return [cls.PEER_REVIEW, cls.SUBMITTED]

    @classmethod
    def awaiting_review(cls):
        return [cls.SUBMITTED, cls.IN_REVIEW]


class ThreadState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")


class Side(models.TextChoices):
    """On whose behalf a comment is written."""

    CITY = "city", _("City")
    PEER = "peer", _("Paired city")
    REVIEWER = "reviewer", _("Reviewer")


class ReviewAction(models.TextChoices):
    """What a person asks of the review engine; each is one function of reviews.services."""

    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw the submission")
    END_PEER_REVIEW = "end_peer_review", _("Send the comments to the lead expert")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    APPROVE = "approve", _("Approve")
    REOPEN = "reopen", _("Reopen (give the reason)")
