"""One row per thing the search finds: its words, where it lives and where it leads."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Partner

from .enums import Kind

#: The most characters of an entry's text that are searched (a long article's start).
BODY_LENGTH = 20_000


class Entry(models.Model):
    """What the search reads of one object (a meeting, a stakeholder, an article …).

    Written by `search.indexing` when the object is saved; who may see it is never stored
    here but asked of the object's own selector at each search (`search.selectors`). An
    object may give more than one entry, each of its own kind (a meeting and its minutes).
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type of object"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=400)
    detail = models.CharField(
        _("where it belongs"), max_length=300, blank=True, help_text=_("E.g. the city.")
    )
    body = models.TextField(_("text searched"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    config = models.CharField(
        _("text search configuration"),
        max_length=40,
        help_text=_("How its words are read: search_english, search_italian …"),
    )
    vector = SearchVectorField(_("search vector"), null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"], name="search_entry_once_per_kind"
            ),
        ]
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector"),
            models.Index(fields=["network", "kind"], name="search_entry_network_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
