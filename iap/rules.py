"""Who may see and do what with roadmaps, plans and Small Scale Actions."""

import rules

from partners.rules import (
    is_city_coordinator_of_city,
    is_coordinator,
    is_in_city_team,
    is_lead_expert,
    is_lead_partner,
    is_network_staff,
    is_programme_officer,
)

from .enums import RoadmapState

#: A city's plans: its own team, the people who run the network, and the programme officer.
can_view_city_plans = is_in_city_team | is_network_staff | is_programme_officer
is_reviewer = is_lead_expert | is_lead_partner


@rules.predicate
def roadmap_is_editable(user, roadmap):
    return roadmap is not None and roadmap.state in (
        RoadmapState.DRAFT,
        RoadmapState.CHANGES_REQUESTED,
    )


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
rules.add_perm("iap.set_deadline", is_coordinator)
rules.add_perm("iap.view_plan", can_view_city_plans)
rules.add_perm("iap.edit_plan", is_in_city_team)
rules.add_perm("iap.comment_plan", is_reviewer)
