"""The review engine: every state change of a reviewed document, and its threads.

    draft ─submit─▶ (with the paired cities ─end of peer review─▶) submitted
    submitted ─(the reviewer's first comment, score or decision)─▶ in review
    in review ─request changes─▶ changes requested ─submit─▶ …
    in review ─approve─▶ approved ─reopen (lead expert, with a reason)─▶ changes requested
    with the paired cities / submitted ─withdraw (the city)─▶ the state before submitting

Each change is checked against the document's own permission (`document.perm(verb)`,
declared in its app's rules.py) on the locked, current row, recorded in its history,
and told to the other side in the app and by e-mail once the transaction commits. A
submission freezes an immutable version. Views never set a state.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from partners.enums import Role
from partners.models import User
from partners.roles import city_ids_in
from partners.selectors import city_team, people_with_roles
from partners.services import notify
from portal.i18n import phrase

from .enums import ReviewState, Side, ThreadState
from .models import Message, Reviewed, Thread
from .selectors import peer_city_ids_of, peers_of


def _locked(document: Reviewed) -> Reviewed:
    return (
        type(document)
        .objects.select_for_update(of=("self",))
        .select_related("partner__network")
        .get(pk=document.pk)
    )


def _check(user: User, verb: str, document: Reviewed) -> None:
    if not user.has_perm(document.perm(verb), document):
        raise PermissionDenied(_("You may not do this now."))


def _move(document: Reviewed, *, user: User | None, to_state: str, comment: str = "") -> None:
    from_state = document.state
    document.state = to_state
    document.state_since = timezone.now()
    fields = ["state", "state_since"]
    if to_state in (ReviewState.PEER_REVIEW, ReviewState.SUBMITTED) and not document.submitted_at:
        document.submitted_at = document.state_since
        fields.append("submitted_at")
    if to_state == ReviewState.PEER_REVIEW:
        fields.append("peer_review_until")
    document.save(update_fields=fields)
    document.transitions.create(from_state=from_state, to_state=to_state, by=user, comment=comment)


def _label(document: Reviewed) -> str:
    return document._meta.verbose_name  # lazy: in each reader's language


def _tell(recipients, *, document: Reviewed, title: str, body: str = "", exclude=None) -> None:
    notify(
        recipients=[r for r in recipients if exclude is None or r.pk != exclude.pk],
        title=title,
        body=body,
        url=document.get_absolute_url(),
        network=document.partner.network,
        email=True,
    )


def _reviewers(document: Reviewed):
    return people_with_roles(network=document.partner.network, roles=Role.reviewers())


def _peer_teams(document: Reviewed):
    from partners.models import User as Person

    return Person.objects.filter(
        memberships__partner__in=peers_of(document.partner),
        memberships__role__in=Role.city_roles(),
        is_active=True,
    ).distinct()


def latest_version(document: Reviewed):
    return document.versions.order_by("-number").first()


# Transitions ------------------------------------------------------------------------------


@transaction.atomic
def submit(*, user: User, document: Reviewed, comment: str = "", today: dt.date | None = None):
    """The city coordinator submits: a new frozen version, then the paired cities (if the
    network asks for peer review and the city has any) or straight the reviewers."""
    document = _locked(document)
    _check(user, "submit", document)
    problem = document.can_be_submitted()
    if problem:
        raise ValidationError(problem)
    number = (document.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    document.versions.create(
        number=number, created_by=user, **{document.version_field: document.snapshot()}
    )
    days = document.partner.network.peer_review_days
    peers = list(_peer_teams(document)) if days else []
    values = {"city": document.partner.city, "document": _label(document), "n": number}
    if peers:
        today = today or timezone.localdate()
        document.peer_review_until = today + dt.timedelta(days=days)
        _move(document, user=user, to_state=ReviewState.PEER_REVIEW, comment=comment)
        _tell(
            peers,
            document=document,
            title=phrase(
                gettext_lazy(
                    "%(city)s asks for your comments on its %(document)s (version %(n)d) by "
                    "%(date)s"
                ),
                **values,
                date=document.peer_review_until,
            ),
            body=comment,
        )
    else:
        _move(document, user=user, to_state=ReviewState.SUBMITTED, comment=comment)
        _tell(
            _reviewers(document),
            document=document,
            title=phrase(
                gettext_lazy("%(city)s submitted its %(document)s (version %(n)d)"), **values
            ),
            body=comment,
        )
    return document


@transaction.atomic
def withdraw(*, user: User, document: Reviewed, reason: str = "") -> Reviewed:
    """The city takes its submission back before the lead expert's review starts: it
    returns to the state it was submitted from, and the version is marked withdrawn."""
    document = _locked(document)
    _check(user, "withdraw", document)
    submitted_from = (
        document.transitions.filter(
            to_state__in=[ReviewState.PEER_REVIEW, ReviewState.SUBMITTED],
            from_state__in=ReviewState.editable(),
        )
        .order_by("-at", "-pk")
        .values_list("from_state", flat=True)
        .first()
    ) or ReviewState.DRAFT
    was_with_peers = document.state == ReviewState.PEER_REVIEW
    version = latest_version(document)
    if version is not None:
        version.withdrawn_at = timezone.now()
        version.save(update_fields=["withdrawn_at"])
    _move(document, user=user, to_state=submitted_from, comment=reason)
    _tell(
        _peer_teams(document) if was_with_peers else _reviewers(document),
        document=document,
        title=phrase(
            gettext_lazy("%(city)s withdrew its %(document)s"),
            city=document.partner.city, document=_label(document),
        ),
        body=reason,
    )  # fmt: skip
    return document


@transaction.atomic
def end_peer_review(*, user: User | None, document: Reviewed) -> Reviewed:
    """The paired cities have said what they had to say (or their days are over, when
    `user` is None): the document goes to the reviewers, with the peers' threads."""
    document = _locked(document)
    if user is not None:
        _check(user, "end_peer_review", document)
    elif document.state != ReviewState.PEER_REVIEW:
        return document
    _move(document, user=user, to_state=ReviewState.SUBMITTED)
    comments = document.threads.filter(side=Side.PEER).count()
    _tell(
        _reviewers(document),
        document=document,
        title=phrase(
            ngettext_lazy(
                "%(city)s's %(document)s is ready for review, with %(n)d comment from the "
                "paired cities",
                "%(city)s's %(document)s is ready for review, with %(n)d comments from the "
                "paired cities",
                "n",
            ),
            city=document.partner.city,
            document=_label(document),
            n=comments,
        ),
        exclude=user,
    )
    return document


def end_peer_reviews_due(*, today: dt.date | None = None, models_=None) -> int:
    """Send every document whose peer-review days are over to the reviewers (beat)."""
    from django.apps import apps

    today = today or timezone.localdate()
    count = 0
    for model in models_ or [m for m in apps.get_models() if issubclass(m, Reviewed)]:
        for pk in model.objects.filter(
            state=ReviewState.PEER_REVIEW, peer_review_until__lt=today
        ).values_list("pk", flat=True):
            end_peer_review(user=None, document=model(pk=pk))
            count += 1
    return count


def _begin_review(document: Reviewed, *, user: User, tell: bool = True) -> bool:
    """The review starts by itself with the reviewer's first comment, score or decision.
    `document` is locked by the caller. Whether it started now; `tell=False` when the
    caller's own notice (the comment, the decision) tells the city, so it hears once."""
    if document.state != ReviewState.SUBMITTED:
        return False
    _move(document, user=user, to_state=ReviewState.IN_REVIEW)
    if tell:
        _tell(
            city_team(partner=document.partner),
            document=document,
            title=phrase(
                gettext_lazy("The review of your %(document)s has started"),
                document=_label(document),
            ),
        )
    return True


def begin_review(*, user: User, document: Reviewed) -> Reviewed:
    """For a reviewer's action that is not a transition (a score): start the review."""
    with transaction.atomic():
        document = _locked(document)
        _check(user, "decide", document)
        _begin_review(document, user=user)
    return document


@transaction.atomic
def request_changes(*, user: User, document: Reviewed, comment: str) -> Reviewed:
    """The reviewer asks for changes; the request is a thread of its own, open until the
    city has answered and the reviewer resolves it."""
    document = _locked(document)
    _check(user, "decide", document)
    if not comment.strip():
        raise ValidationError(_("Say what should change."))
    _begin_review(document, user=user, tell=False)
    _move(document, user=user, to_state=ReviewState.CHANGES_REQUESTED, comment=comment)
    _thread_create(user=user, document=document, body=comment, side=Side.REVIEWER,
                   is_change_request=True)  # fmt: skip
    _tell(
        city_team(partner=document.partner),
        document=document,
        title=phrase(
            gettext_lazy("Changes requested on your %(document)s"), document=_label(document)
        ),
        body=comment,
    )
    return document


@transaction.atomic
def approve(*, user: User, document: Reviewed, comment: str = "") -> Reviewed:
    document = _locked(document)
    _check(user, "decide", document)
    _begin_review(document, user=user, tell=False)
    _move(document, user=user, to_state=ReviewState.APPROVED, comment=comment)
    _tell(
        [
            *city_team(partner=document.partner),
            *people_with_roles(network=document.partner.network, roles=[Role.COORDINATOR]),
        ],
        document=document,
        title=phrase(
            gettext_lazy("%(city)s's %(document)s is approved"),
            city=document.partner.city,
            document=_label(document),
        ),
        body=comment,
    )
    return document


@transaction.atomic
def reopen(*, user: User, document: Reviewed, reason: str) -> Reviewed:
    document = _locked(document)
    _check(user, "reopen", document)
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening."))
    _move(document, user=user, to_state=ReviewState.CHANGES_REQUESTED, comment=reason)
    _thread_create(user=user, document=document, body=reason, side=Side.REVIEWER,
                   is_change_request=True)  # fmt: skip
    _tell(
        city_team(partner=document.partner),
        document=document,
        title=phrase(
            gettext_lazy("Your approved %(document)s was reopened"), document=_label(document)
        ),
        body=reason,
    )
    return document


# Threads ----------------------------------------------------------------------------------


def side_of(user: User, document: Reviewed) -> str | None:
    """On whose behalf the person writes on this document, or None if they may not."""
    network_id = document.partner.network_id
    if document.partner_id in city_ids_in(user, network_id):
        return Side.CITY
    if user.has_perm(document.perm("review"), document):
        return Side.REVIEWER
    if document.state == ReviewState.PEER_REVIEW and peer_city_ids_of(user, document.partner):
        return Side.PEER
    return None


def _thread_create(
    *, user, document, body, side, anchor=None, anchor_label="", is_change_request=False
) -> Thread:
    peer = None
    if side == Side.PEER:
        peer_ids = sorted(peer_city_ids_of(user, document.partner))
        peer = document.partner.__class__.objects.get(pk=peer_ids[0])
    version = latest_version(document)
    thread = Thread.objects.create(
        network_id=document.partner.network_id,
        partner=document.partner,
        document_type=ContentType.objects.get_for_model(document),
        document_id=document.pk,
        anchor_type=ContentType.objects.get_for_model(anchor) if anchor is not None else None,
        anchor_id=anchor.pk if anchor is not None else None,
        anchor_label=(anchor_label or (str(anchor) if anchor is not None else ""))[:300],
        side=side,
        peer=peer,
        is_change_request=is_change_request,
        version_number=version.number if version else None,
        opened_by=user,
    )
    Message.objects.create(thread=thread, author=user, side=side, body=body)
    return thread


def _other_side(thread: Thread, document: Reviewed, writer_side: str):
    """Who hears of a new comment: the city when someone else writes; otherwise the
    side that opened the thread (the reviewers, or the paired city's team)."""
    if writer_side != Side.CITY:
        return city_team(partner=document.partner)
    if thread.side == Side.PEER and thread.peer_id:
        return city_team(partner=thread.peer)
    return _reviewers(document)


@transaction.atomic
def thread_open(
    *, user: User, document: Reviewed, body: str, anchor: models.Model | None = None
) -> Thread:
    """A comment on the document, or on one of its parts (`anchor`: a step, a section,
    an action of this very document)."""
    document = _locked(document)
    _check(user, "comment", document)
    if not body.strip():
        raise ValidationError(_("Write a comment."))
    if "\x00" in body:
        raise ValidationError(_("The comment contains a character that cannot be saved."))
    if anchor is not None and not document.owns(anchor):
        raise ValidationError(_("This part belongs to another document."))
    side = side_of(user, document)
    if side is None:
        raise PermissionDenied(_("You may not do this now."))
    started = side == Side.REVIEWER and _begin_review(document, user=user, tell=False)
    thread = _thread_create(user=user, document=document, body=body, side=side, anchor=anchor)
    _tell(
        _other_side(thread, document, side),
        document=document,
        title=_review_started_with_a_comment(document)
        if started
        else phrase(
            gettext_lazy("New comment on the %(document)s of %(city)s"),
            document=_label(document),
            city=document.partner.city,
        ),
        body=body,
        exclude=user,
    )
    return thread


def _review_started_with_a_comment(document: Reviewed) -> str:
    return phrase(
        gettext_lazy("The review of your %(document)s has started with a comment"),
        document=_label(document),
    )


def _locked_thread(thread: Thread) -> tuple[Thread, Reviewed]:
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("partner__network", "peer")
        .get(pk=thread.pk)
    )
    return thread, thread.document


@transaction.atomic
def thread_reply(*, user: User, thread: Thread, body: str) -> Message:
    thread, document = _locked_thread(thread)
    if not user.has_perm("reviews.reply", thread):
        raise PermissionDenied(_("You may not do this now."))
    if not body.strip():
        raise ValidationError(_("Write a comment."))
    if "\x00" in body:
        raise ValidationError(_("The comment contains a character that cannot be saved."))
    side = side_of(user, document)
    if side is None and thread.side == Side.PEER:
        side = Side.PEER  # a paired city answering on its thread after the peer review
    if side is None:
        raise PermissionDenied(_("You may not do this now."))
    started = side == Side.REVIEWER and _begin_review(_locked(document), user=user, tell=False)
    message = Message.objects.create(thread=thread, author=user, side=side, body=body)
    if side != Side.CITY and thread.state == ThreadState.ANSWERED:
        # The city said it had answered; the other side's reply says it is not done yet.
        thread.state, thread.answered_at = ThreadState.OPEN, None
        thread.save(update_fields=["state", "answered_at"])
    _tell(
        _other_side(thread, document, side),
        document=document,
        title=_review_started_with_a_comment(document)
        if started
        else phrase(
            gettext_lazy("New reply on the %(document)s of %(city)s"),
            document=_label(document),
            city=document.partner.city,
        ),
        body=body,
        exclude=user,
    )
    return message


@transaction.atomic
def thread_mark_answered(*, user: User, thread: Thread) -> Thread:
    thread, document = _locked_thread(thread)
    if not user.has_perm("reviews.mark_answered", thread):
        raise PermissionDenied(_("You may not do this now."))
    thread.state = ThreadState.ANSWERED
    thread.answered_at = timezone.now()
    thread.save(update_fields=["state", "answered_at"])
    _tell(
        _other_side(thread, document, Side.CITY),
        document=document,
        title=phrase(
            gettext_lazy("%(city)s answered a comment on its %(document)s"),
            city=document.partner.city,
            document=_label(document),
        ),
        body=thread.anchor_label,
        exclude=user,
    )
    return thread


@transaction.atomic
def thread_resolve(*, user: User, thread: Thread) -> Thread:
    thread, _document = _locked_thread(thread)
    if not user.has_perm("reviews.resolve", thread):
        raise PermissionDenied(_("You may not do this now."))
    thread.state = ThreadState.RESOLVED
    thread.resolved_at = timezone.now()
    thread.resolved_by = user
    thread.save(update_fields=["state", "resolved_at", "resolved_by"])
    return thread
