"""One review engine for every document a city submits and the lead expert reviews.

A reviewed document (the IAP roadmap, the Integrated Action Plan, later others) inherits
`Reviewed`; its frozen versions inherit `FrozenVersion` and its history `StateChange`.
Comment threads on the document, or on one of its parts (a step, a section, an action),
are `Thread`s with their `Message`s. The rules of the states live in reviews.services.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import ReviewState, Side, ThreadState

USER = settings.AUTH_USER_MODEL


class Reviewed(models.Model):
    """A document that a city submits for review. Its state changes only through
    reviews.services."""

    state = models.CharField(
        _("state"), max_length=30, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    state_since = models.DateTimeField(_("in this state since"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    peer_review_until = models.DateField(_("paired cities comment until"), null=True, blank=True)

    #: The verb of its permissions: "roadmap" gives iap.submit_roadmap, iap.decide_roadmap…
    review_kind = ""
    #: The field of its versions that holds the frozen content.
    version_field = "content"
    #: The name of the foreign key by which its parts (steps, sections…) point to it.
    part_of = ""

    class Meta:
        abstract = True

    @property
    def is_editable(self):
        return self.state in ReviewState.editable()

    @property
    def network(self):
        return self.partner.network

    def perm(self, verb: str) -> str:
        return f"{self._meta.app_label}.{verb}_{self.review_kind}"

    def owns(self, part) -> bool:
        """`part` (a step, a section…) is a part of this very document."""
        return getattr(part, f"{self.part_of}_id", None) == self.pk

    def snapshot(self):
        """What a submission freezes (JSON)."""
        raise NotImplementedError

    def can_be_submitted(self) -> str:
        """Why the document cannot be submitted as it is, or "" if it can."""
        return ""


class FrozenVersion(models.Model):
    """What the city submitted, frozen at that submission."""

    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        abstract = True


class StateChange(models.Model):
    """One line of a document's history."""

    from_state = models.CharField(_("from"), max_length=30, choices=ReviewState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=ReviewState.choices)
    by = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class Thread(models.Model):
    """Comments on a reviewed document or on one of its parts, with the replies.

    The reviewer (or a paired city) opens it; the city marks it answered; whoever opened
    it resolves it. A change request is a thread too."""

    network = models.ForeignKey(
        "partners.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="review_threads",
        help_text=_("The city whose document this is."),
    )
    document_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    document_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("document_type", "document_id")
    anchor_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    anchor_id = models.PositiveBigIntegerField(null=True, blank=True)
    anchor = GenericForeignKey("anchor_type", "anchor_id")
    anchor_label = models.CharField(
        _("about"), max_length=300, blank=True, help_text=_("Kept if the part is removed.")
    )
    side = models.CharField(_("opened as"), max_length=10, choices=Side.choices)
    peer = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("paired city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_change_request = models.BooleanField(_("change request"), default=False)
    version_number = models.PositiveIntegerField(_("on version"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ThreadState.choices, default=ThreadState.OPEN
    )
    opened_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, verbose_name=_("resolved by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("comment thread")
        verbose_name_plural = _("comment threads")
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(fields=["document_type", "document_id", "state"]),
            models.Index(fields=["anchor_type", "anchor_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor_type__isnull=True, anchor_id__isnull=True)
                | Q(anchor_type__isnull=False, anchor_id__isnull=False),
                name="thread_anchor_whole",
            ),
            models.CheckConstraint(
                condition=Q(state=ThreadState.RESOLVED, resolved_at__isnull=False)
                | (~Q(state=ThreadState.RESOLVED) & Q(resolved_at__isnull=True)),
                name="thread_resolved_has_date",
            ),
        ]

    def __str__(self):
        return self.anchor_label or str(_("the whole document"))


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(_("written as"), max_length=10, choices=Side.choices)
    body = models.TextField(_("comment"))
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["thread", "written_at", "pk"]

    def __str__(self):
        return self.body[:60]
