"""Who may see and do what with roadmaps, plans and Small Scale Actions.

The roadmap and the IAP are reviewed through one engine (reviews.services): their
permissions are declared here from the same predicates (reviews.rules), one set per
document, so that `document.perm("submit")` names the rule of either."""

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
from reviews.rules import (
    awaits_review,
    is_approved,
    is_editable,
    is_peer_of_city,
    is_with_peers,
    is_withdrawable,
    was_sent_to_peers,
)

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


#: A paired city reads a document it was asked to comment on (and nothing else of the
#: city: not its Small Scale Actions, not its other document).
peer_reads = is_peer_of_city & was_sent_to_peers

for kind in ("roadmap", "plan"):
    rules.add_perm(f"iap.view_{kind}", can_view_city_plans | peer_reads)
    #: The review itself (the decisions' comments, the rubric's scores): whoever sees the
    #: city's plans; a paired city reads the document and the paired cities' threads only.
    rules.add_perm(f"iap.view_review_{kind}", can_view_city_plans)
    rules.add_perm(f"iap.edit_{kind}", is_in_city_team & is_editable)
    rules.add_perm(f"iap.submit_{kind}", is_city_coordinator_of_city & is_editable)
    rules.add_perm(f"iap.withdraw_{kind}", is_city_coordinator_of_city & is_withdrawable)
    #: The paired cities say they are done; the reviewers may end it early; beat ends it
    #: when its days are over.
    rules.add_perm(f"iap.end_peer_review_{kind}", (is_peer_of_city | is_reviewer) & is_with_peers)
    rules.add_perm(f"iap.review_{kind}", is_reviewer)
    rules.add_perm(f"iap.decide_{kind}", is_reviewer & awaits_review)
    rules.add_perm(f"iap.reopen_{kind}", is_lead_expert & is_approved)
    #: Open a thread: the city, the reviewers, a paired city while it is asked to comment.
    rules.add_perm(
        f"iap.comment_{kind}", is_in_city_team | is_reviewer | (is_peer_of_city & is_with_peers)
    )

rules.add_perm("iap.view_review_queue", is_network_staff)
#: The page of every city's plans and the overviews across cities: who sees every city
#: (the programme officer too, who reads them and reviews nothing).
rules.add_perm("iap.view_all_cities", sees_every_city)
#: A city's Small Scale Actions (the object is the city or an SSA).
rules.add_perm("iap.view_ssa", can_view_city_plans)
rules.add_perm("iap.edit_ssa", is_in_city_team)
#: A photo or document of a Small Scale Action: its city's team or the coordinator.
rules.add_perm("iap.remove_ssa_file", is_in_city_team | is_coordinator)
#: The rubric the IAPs are scored against: the coordinator and the lead expert set it.
rules.add_perm("iap.manage_rubric", is_coordinator | is_lead_expert)
rules.add_perm("iap.score_plan", is_reviewer & awaits_review)
