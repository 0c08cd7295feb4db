from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    LEAD_PARTNER = "lead_partner", _("Lead partner")
    LEAD_EXPERT = "lead_expert", _("Lead expert")
    AD_HOC_EXPERT = "ad_hoc_expert", _("Ad hoc expert")
    CITY_COORDINATOR = "city_coordinator", _("City coordinator")
    CITY_TEAM_MEMBER = "city_team_member", _("City team member")
    PROGRAMME_OFFICER = "programme_officer", _("URBACT programme officer")
    COMMUNICATION = "communication", _("Communication")

    @classmethod
    def city_roles(cls):
        """The people of one partner city."""
        return (cls.CITY_COORDINATOR, cls.CITY_TEAM_MEMBER)

    @classmethod
    def staff(cls):
        """The people who run the network."""
        return (cls.COORDINATOR, cls.LEAD_PARTNER, cls.LEAD_EXPERT)

    @classmethod
    def sees_every_city(cls):
        """Who sees every city's calls, roadmaps and plans, not only their own city's: the
        people who run the network and the programme officer (who only reads)."""
        return (*cls.staff(), cls.PROGRAMME_OFFICER)

    @classmethod
    def reviewers(cls):
        """Who reviews the cities' roadmaps and plans."""
        return (cls.LEAD_EXPERT, cls.LEAD_PARTNER)

    @classmethod
    def news_editors(cls):
        """Who writes the network's news."""
        return (cls.COORDINATOR, cls.COMMUNICATION)


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class ObligationKind(models.TextChoices):
    """What a network's obligation asks for. Each kind's state per city is computed from the
    records it names (`progress.states`), never ticked by hand."""

    ROADMAP = "iap_roadmap", _("Submit the IAP roadmap")
    ROADMAP_REVIEW = "roadmap_review", _("Review each submitted roadmap")
    SSAS_PLANNED = "ssas_planned", _("Plan the Small Scale Actions")
    ULG_MEETING = "ulg_meeting", _("Hold a ULG meeting")
    TNM_ATTENDANCE = "tnm_attendance", _("Register attendance for a TNM")
    FOLLOW_UPS = "follow_ups", _("Finish the agreed actions and follow-ups")
    FINAL_IAP = "final_iap", _("Deliver the final IAP")
    MILESTONE = "other", _("Milestone of the workplan (nobody owes it)")

    @classmethod
    def owed_by_each_city(cls):
        return (
            cls.ROADMAP,
            cls.SSAS_PLANNED,
            cls.ULG_MEETING,
            cls.TNM_ATTENDANCE,
            cls.FOLLOW_UPS,
            cls.FINAL_IAP,
        )

    @classmethod
    def once_per_network(cls):
        """Kinds a network has at most one of."""
        return (cls.ROADMAP, cls.ROADMAP_REVIEW, cls.FINAL_IAP)


class ObligationState(models.TextChoices):
    """Where one city stands on one obligation, in the order a reader scans them."""

    LATE = "late", _("Late")
    DUE_SOON = "due_soon", _("Due soon")
    ON_TRACK = "on_track", _("On track")
    NOT_DUE_YET = "not_due_yet", _("Not due yet")
    DONE = "done", _("Done")


class Phase(models.TextChoices):
    PHASE_1 = "phase_1", _("Phase 1")
    ACTIVATION = "activation", _("Activation")
    PLANNING_ACTIONS = "planning_actions", _("Planning Actions")
    PLANNING_IMPLEMENTATION = "planning_implementation", _("Planning Implementation")
    CLOSING = "closing", _("Closing")


COUNTRIES = [
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("HR", _("Croatia")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("NO", _("Norway")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
]


class Sector(models.TextChoices):
    PUBLIC_AUTHORITY = "public", _("Public authority")
    PRIVATE_COMPANY = "private", _("Private company")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Other")


class GroupKind(models.TextChoices):
    PAIR = "pair", _("Pair")
    CLUSTER = "cluster", _("Cluster")
