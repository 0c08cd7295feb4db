"""The kinds of things the search finds, in the order their groups are listed when they
rank alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MEETING = "meeting", _("Transnational meeting")
    AGENDA_ITEM = "agenda_item", _("Agenda item")
    MINUTES = "minutes", _("Minutes")
    CALL = "call", _("Call")
    DOCUMENT = "document", _("Document")
    ROADMAP = "roadmap", _("IAP roadmap")
    ROADMAP_STEP = "roadmap_step", _("Roadmap step")
    IAP_SECTION = "iap_section", _("IAP section")
    IAP_ACTION = "iap_action", _("IAP action")
    SSA = "ssa", _("Small Scale Action")
    STAKEHOLDER = "stakeholder", _("ULG stakeholder")
    ULG_MEETING = "ulg_meeting", _("ULG meeting")
    PERSON = "person", _("Person")
    NEWS = "news", _("News article")


#: The heading of each kind's group of results.
KIND_HEADINGS = {
    Kind.MEETING: _("Transnational meetings"),
    Kind.AGENDA_ITEM: _("Agenda items"),
    Kind.MINUTES: _("Minutes"),
    Kind.CALL: _("Calls and their notes"),
    Kind.DOCUMENT: _("Documents"),
    Kind.ROADMAP: _("IAP roadmaps"),
    Kind.ROADMAP_STEP: _("Roadmap steps"),
    Kind.IAP_SECTION: _("IAP sections"),
    Kind.IAP_ACTION: _("IAP actions"),
    Kind.SSA: _("Small Scale Actions"),
    Kind.STAKEHOLDER: _("ULG stakeholders"),
    Kind.ULG_MEETING: _("ULG meetings"),
    Kind.PERSON: _("People"),
    Kind.NEWS: _("News"),
}
