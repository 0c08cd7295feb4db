"""Predicates of the review engine, shared by every reviewed document.

Each app declares its own permissions from these (iap.rules: iap.submit_roadmap,
iap.submit_plan, …), so that the rule of a transition reads the same for every document."""

import rules

from partners.enums import Role
from partners.rules import has_role, is_in_city_team

from .enums import ReviewState, Side, ThreadState

is_reviewer = has_role(*Role.reviewers())


def state_in(*states):
    wanted = {str(s) for s in states}

    @rules.predicate(name=f"state_in_{'_'.join(sorted(wanted))}")
    def predicate(user, document=None):
        return getattr(document, "state", None) in wanted

    return predicate


is_editable = state_in(*ReviewState.editable())
is_withdrawable = state_in(*ReviewState.withdrawable())
is_with_peers = state_in(ReviewState.PEER_REVIEW)
awaits_review = state_in(*ReviewState.awaiting_review())
is_approved = state_in(ReviewState.APPROVED)
is_submitted_once = rules.predicate(
    lambda user, document=None: getattr(document, "submitted_at", None) is not None,
    name="is_submitted_once",
)


@rules.predicate
def is_peer_of_city(user, obj=None):
    """The person is in the team of a city paired with the object's city."""
    from .selectors import peer_city_ids_of

    partner = getattr(obj, "partner", None)
    return partner is not None and bool(peer_city_ids_of(user, partner))


@rules.predicate
def was_sent_to_peers(user, document=None):
    return getattr(document, "peer_review_until", None) is not None


# Threads: the object is a reviews.Thread.


@rules.predicate
def thread_is_open(user, thread=None):
    return thread is not None and thread.state == ThreadState.OPEN


@rules.predicate
def thread_is_not_resolved(user, thread=None):
    return thread is not None and thread.state != ThreadState.RESOLVED


@rules.predicate
def thread_is_from_peers(user, thread=None):
    return thread is not None and thread.side == Side.PEER


@rules.predicate
def thread_is_from_reviewers(user, thread=None):
    return thread is not None and thread.side == Side.REVIEWER


@rules.predicate
def thread_is_from_city(user, thread=None):
    return thread is not None and thread.side == Side.CITY


#: Replies: the city, the reviewers, and the paired cities on their own threads.
may_reply = (is_in_city_team | is_reviewer | (thread_is_from_peers & is_peer_of_city)) & (
    thread_is_not_resolved
)
#: The city says it has answered (or acted on) a thread opened by someone else.
may_mark_answered = is_in_city_team & thread_is_open & ~thread_is_from_city
#: Whoever opened it (their side) resolves it; the reviewers may resolve any thread.
may_resolve = thread_is_not_resolved & (
    is_reviewer | (thread_is_from_peers & is_peer_of_city) | (thread_is_from_city & is_in_city_team)
)

rules.add_perm("reviews.reply", may_reply)
rules.add_perm("reviews.mark_answered", may_mark_answered)
rules.add_perm("reviews.resolve", may_resolve)
