"""Who may see and do what with roadmaps, plans and Small Scale Actions."""

import rules

from partners.enums import Role
from partners.roles import partner_of
from partners.rules import (
    has_role,
    is_city_coordinator_of_city,
    is_coordinator,
    is_in_city_team,
    is_lead_expert,
    is_network_staff,
    sees_every_city,
)

from .enums import RoadmapState

is_reviewer = has_role(*Role.reviewers())


@rules.predicate
def can_view_city_plans(user, obj):
    """The city of `obj` is one whose plans the person sees (one rule: the selector's,
    asked of one city without a query, so that a list may ask it of every row)."""
    from .selectors import plans_visible_in

    partner = partner_of(obj)
    if partner is None:
        return False
    visible = plans_visible_in(user=user, network_id=partner.network_id)
    return visible is None or partner.pk in visible


@rules.predicate
def roadmap_is_editable(user, roadmap):
    return roadmap is not None and roadmap.is_editable


@rules.predicate
def roadmap_is_submitted(user, roadmap):
    return roadmap is not None and roadmap.state == RoadmapState.SUBMITTED


@rules.predicate
def roadmap_is_in_review(user, roadmap):
    return roadmap is not None and roadmap.state == RoadmapState.IN_REVIEW


@rules.predicate
def roadmap_is_approved(user, roadmap):
    return roadmap is not None and roadmap.state == RoadmapState.APPROVED


rules.add_perm("iap.view_roadmap", can_view_city_plans)
rules.add_perm("iap.edit_roadmap", is_in_city_team & roadmap_is_editable)
rules.add_perm("iap.submit_roadmap", is_city_coordinator_of_city & roadmap_is_editable)
rules.add_perm("iap.start_review", is_reviewer & roadmap_is_submitted)
rules.add_perm("iap.decide_roadmap", is_reviewer & roadmap_is_in_review)
rules.add_perm("iap.reopen_roadmap", is_lead_expert & roadmap_is_approved)
rules.add_perm("iap.comment_roadmap", is_reviewer | is_in_city_team)
rules.add_perm("iap.view_review_queue", is_network_staff)
#: The page of every city's plans and the overviews across cities: who sees every city
#: (the programme officer too, who reads them and reviews nothing).
rules.add_perm("iap.view_all_cities", sees_every_city)
rules.add_perm("iap.view_plan", can_view_city_plans)
rules.add_perm("iap.edit_plan", is_in_city_team)
#: A photo or document of a Small Scale Action: its city's team or the coordinator.
rules.add_perm("iap.remove_ssa_file", is_in_city_team | is_coordinator)
rules.add_perm("iap.comment_plan", is_reviewer)
