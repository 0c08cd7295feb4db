"""The choices news shares between its models, forms and views."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


class PublishAction(models.TextChoices):
    """What an editor may do from an article's preview."""

    PUBLISH = "publish", _("Publish now")
    SCHEDULE = "schedule", _("Schedule")
    UNPUBLISH = "unpublish", _("Back to draft")
