"""What the search reads of each kind of object, and who may find it.

Each `Index` names a model and a kind, how to read its rows (`rows`, with what `record`
needs), what one row gives the search (`record`: a `Record`, or None when the row is not
to be found), and the objects a person may see (`visible`): the querysets of the very
selectors the pages use, so that the search never decides visibility itself. `NEIGHBOURS`
says which other objects show a changed object's words (a person's name on their
membership, a decision in its meeting's minutes), so that those are read again too.

The apps below know nothing of this module: it reads their models and selectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.urls import reverse

from iap.models import PlanAction, PlanSection, Roadmap, RoadmapStep, SmallScaleAction
from iap.selectors import cities_whose_plans_are_visible_to
from meetings.documents import documents_visible_to
from meetings.models import AgendaItem, Call, Decision, Document, GuestSpeaker, Meeting
from meetings.selectors import calls_visible_in, meetings_visible_in
from news.enums import ArticleStatus
from news.models import Article
from news.selectors import articles_visible_to, published_articles
from partners.models import Membership, Partner, Stakeholder, UlgMeeting, User
from partners.rules import is_network_member
from partners.selectors import (
    memberships_of_network,
    stakeholders_visible_to,
    ulg_meetings_visible_to,
)

from .enums import Kind
from .languages import ENGLISH, config_of_country, config_of_language
from .models import BODY_LENGTH

#: What `ts_headline` puts around a word found; kept out of every text indexed, so that
#: the highlighting is told apart from what people wrote (`search.selectors.marked`).
START_MARK, STOP_MARK = "\ue000", "\ue001"
_MARKS = str.maketrans("", "", START_MARK + STOP_MARK)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: What opens a line of Markdown (headings, quotes, list markers, in any mix), and emphasis.
_MARKDOWN_OPENING = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])[ \t]+)+", re.MULTILINE)
_MARKDOWN_EMPHASIS = re.compile(r"[*`~]{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)")


@dataclass(frozen=True)
class Record:
    """What the search keeps of one object."""

    network_id: int
    title: str
    url: str
    body: str = ""
    detail: str = ""
    partner_id: int | None = None
    config: str = ENGLISH


@dataclass(frozen=True)
class Index:
    kind: Kind
    model: type[Model]
    #: The lookup from the model to its network, for rebuilding one network.
    network_path: str
    rows: Callable[[QuerySet], QuerySet]
    record: Callable[[Model], Record | None]
    #: (user, networks) → querysets of the model's rows the person may see.
    visible: Callable[[object, list], Iterable[QuerySet]]
    #: Some rows are seen by people of no network (published news, by the public).
    public: bool = False


def without_marks(text: str) -> str:
    return text.translate(_MARKS)


def plain(*parts) -> str:
    """The words of `parts` (Markdown or plain text) joined, without Markdown's signs."""
    text = "\n".join(str(part) for part in parts if part)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _MARKDOWN_EMPHASIS.sub("", _MARKDOWN_OPENING.sub("", text))
    return text.translate(_MARKS)[:BODY_LENGTH]


def _city(partner: Partner | None) -> tuple[int | None, str]:
    return (partner.pk, config_of_country(partner.country)) if partner else (None, ENGLISH)


def _of_city(partner: Partner, *, title, url, body="", detail=None) -> Record:
    return Record(
        network_id=partner.network_id,
        partner_id=partner.pk,
        title=title,
        url=url,
        body=body,
        detail=partner.city if detail is None else detail,
        config=config_of_country(partner.country),
    )


# Meetings, calls and the library ---------------------------------------------------------


def _meeting(meeting: Meeting) -> Record:
    return Record(
        network_id=meeting.network_id,
        title=str(meeting),
        url=meeting.get_absolute_url(),
        body=plain(meeting.purpose, meeting.venue, meeting.host and meeting.host.city),
        detail=", ".join(part for part in (f"{meeting.starts_at:%Y-%m-%d}", meeting.venue) if part),
    )


def _minutes(meeting: Meeting) -> Record | None:
    decisions = [decision.text for decision in meeting.decisions.all()]
    if not meeting.minutes and not decisions:
        return None
    return Record(
        network_id=meeting.network_id,
        title=str(meeting),
        url=meeting.get_absolute_url() + "#minutes-heading",
        body=plain(meeting.minutes, *decisions),
        detail=f"{meeting.starts_at:%Y-%m-%d}",
    )


def _agenda_item(item: AgendaItem) -> Record:
    speakers = [person.get_full_name() for person in item.speakers.all()]
    guests = [str(guest) for guest in item.guest_speakers.all()]
    return Record(
        network_id=item.meeting.network_id,
        title=item.title,
        url=f"{item.meeting.get_absolute_url()}#item-{item.pk}",
        body=plain(item.get_kind_display(), *speakers, *guests),
        detail=str(item.meeting),
    )


def _call(call: Call) -> Record:
    cities = [city.city for city in call.cities.all()]
    return Record(
        network_id=call.network_id,
        title=call.title,
        url=call.get_absolute_url(),
        body=plain(call.notes),
        detail=", ".join([f"{call.starts_at:%Y-%m-%d}", *cities]),
    )


def _document(document: Document) -> Record:
    partner_id, config = _city(document.partner)
    where = [document.meeting and str(document.meeting), document.partner and document.partner.city]
    return Record(
        network_id=document.network_id,
        partner_id=partner_id,
        title=document.title,
        url=reverse(
            "meetings:library_download",
            kwargs={"network_slug": document.network.slug, "pk": document.pk},
        ),
        body=plain(document.tag, document.get_kind_display(), document.filename),
        detail=", ".join(part for part in where if part),
        config=config,
    )


def _meetings_visible(user, networks):
    return [meetings_visible_in(user=user, networks=networks)]


def _each_network(selector):
    def visible(user, networks):
        return [selector(user=user, network=network) for network in networks]

    return visible


# Roadmaps, plans and Small Scale Actions ------------------------------------------------


def _roadmap(roadmap: Roadmap) -> Record:
    partner = roadmap.partner
    return _of_city(
        partner, title=partner.city, url=roadmap.get_absolute_url(), body=plain(partner.iap_focus),
        detail="",
    )  # fmt: skip


def _step(step: RoadmapStep) -> Record:
    partner = step.roadmap.partner
    return _of_city(
        partner,
        title=step.title,
        url=f"{step.roadmap.get_absolute_url()}#step-{step.pk}",
        body=plain(step.description, step.owner),
    )


def _section(section: PlanSection) -> Record | None:
    if not section.body.strip():
        return None
    partner = section.plan.partner
    return _of_city(
        partner,
        title=section.get_kind_display(),
        url=f"{section.plan.get_absolute_url()}#section-{section.kind}",
        body=plain(section.body),
    )


def _plan_action(action: PlanAction) -> Record:
    partner = action.plan.partner
    return _of_city(
        partner,
        title=action.title,
        url=f"{action.plan.get_absolute_url()}#action-{action.pk}",
        body=plain(
            action.objective, action.responsible_body, action.funding_source, action.risk,
            action.mitigation,
        ),
    )  # fmt: skip


def _ssa(ssa: SmallScaleAction) -> Record:
    return _of_city(
        ssa.partner, title=ssa.title, url=ssa.get_absolute_url(),
        body=plain(ssa.tests_what, ssa.description, ssa.done, ssa.results),
    )  # fmt: skip


def _of_visible_cities(model, path):
    """The rows of `model` whose city (`path`) is one whose plans the person sees."""

    def visible(user, networks):
        return [
            model.objects.filter(
                **{f"{path}__in": cities_whose_plans_are_visible_to(user=user, network=network)}
            )
            for network in networks
        ]

    return visible


# Local groups and people ---------------------------------------------------------------


def _ulg_url(partner: Partner, anchor: str) -> str:
    return (
        reverse(
            "partners:ulg",
            kwargs={"network_slug": partner.network.slug, "partner_slug": partner.slug},
        )
        + f"#{anchor}"
    )


def _stakeholder(stakeholder: Stakeholder) -> Record:
    """Name, organisation and sector; never the e-mail (another city's staff reader may not
    see an address given without consent)."""
    partner = stakeholder.partner
    where = ", ".join(part for part in (stakeholder.organisation, partner.city) if part)
    return _of_city(
        partner,
        title=stakeholder.name,
        url=_ulg_url(partner, "stakeholders-heading"),
        body=plain(stakeholder.organisation, stakeholder.get_sector_display()),
        detail=where,
    )


def _ulg_meeting(meeting: UlgMeeting) -> Record:
    partner = meeting.partner
    return _of_city(
        partner,
        title=meeting.topic,
        url=_ulg_url(partner, "ulg-meetings-heading"),
        body=plain(meeting.notes),
        detail=f"{partner.city}, {meeting.held_on:%Y-%m-%d}",
    )


def _people_rows(memberships: QuerySet) -> QuerySet:
    """Each membership with the person's roles and cities in its network (`all_roles`,
    `all_cities`) and their first membership there (`first_pk`): a person is found once
    per network, on that first membership."""
    theirs = Membership.objects.filter(
        user=OuterRef("user_id"), network=OuterRef("network_id")
    ).order_by("pk")
    return memberships.select_related("user", "partner__network", "network").annotate(
        all_roles=ArraySubquery(theirs.values("role")),
        all_cities=ArraySubquery(theirs.filter(partner__isnull=False).values("partner__city")),
        first_pk=Subquery(theirs.values("pk")[:1]),
    )


def _person(membership: Membership) -> Record | None:
    user = membership.user
    if not user.is_active or membership.first_pk != membership.pk:
        return None
    labels = dict(Membership._meta.get_field("role").choices)
    roles = list(dict.fromkeys(str(labels.get(role, role)) for role in membership.all_roles))
    cities = list(dict.fromkeys(membership.all_cities))
    network = membership.network
    if membership.partner is not None:
        url = membership.partner.get_absolute_url()
    else:
        url = network.get_absolute_url()
    return Record(
        network_id=network.pk,
        partner_id=membership.partner_id,
        title=user.get_full_name(),
        url=url,
        body=plain(user.job_title),
        detail=", ".join([*roles, *cities]),
    )


def _people_visible(user, networks):
    """The people of every network the person belongs to, as its cities' pages show them."""
    return [
        memberships_of_network(network=network)
        for network in networks
        if is_network_member(user, network)
    ]


# News --------------------------------------------------------------------------------


def _article(article: Article) -> Record:
    if article.status == ArticleStatus.PUBLISHED:
        url = article.get_absolute_url()
    else:  # only its editors find it: their preview
        url = reverse(
            "news:preview", kwargs={"network_slug": article.network.slug, "pk": article.pk}
        )
    return Record(
        network_id=article.network_id,
        title=article.title,
        url=url,
        body=plain(article.summary, article.body),
        detail=article.network.acronym,
        config=config_of_language(article.language),
    )


def _articles_visible(user, networks):
    """What the person's networks let them see (drafts too, for their editors); for a
    person of no network, the published news of every network, which the public reads.
    A member is not shown other networks' news: their search is about their own work."""
    if not networks:
        return [published_articles()]
    return [articles_visible_to(user=user, network=network) for network in networks]


INDEXES: list[Index] = [
    Index(
        Kind.MEETING, Meeting, "network",
        lambda rows: rows.select_related("network", "host"), _meeting, _meetings_visible,
    ),
    Index(
        Kind.MINUTES, Meeting, "network",
        lambda rows: rows.select_related("network").prefetch_related("decisions"),
        _minutes, _meetings_visible,
    ),
    Index(
        Kind.AGENDA_ITEM, AgendaItem, "meeting__network",
        lambda rows: rows.select_related("meeting__network").prefetch_related(
            "speakers", "guest_speakers"
        ),
        _agenda_item,
        lambda user, networks: [
            AgendaItem.objects.filter(meeting__in=meetings_visible_in(user=user, networks=networks))
        ],
    ),
    Index(
        Kind.CALL, Call, "network",
        lambda rows: rows.select_related("network").prefetch_related("cities"),
        _call, lambda user, networks: [calls_visible_in(user=user, networks=networks)],
    ),
    Index(
        Kind.DOCUMENT, Document, "network",
        lambda rows: rows.select_related("network", "meeting__network", "partner"),
        _document, _each_network(documents_visible_to),
    ),
    Index(
        Kind.ROADMAP, Roadmap, "partner__network",
        lambda rows: rows.select_related("partner__network"), _roadmap,
        _of_visible_cities(Roadmap, "partner"),
    ),
    Index(
        Kind.ROADMAP_STEP, RoadmapStep, "roadmap__partner__network",
        lambda rows: rows.select_related("roadmap__partner__network"), _step,
        _of_visible_cities(RoadmapStep, "roadmap__partner"),
    ),
    Index(
        Kind.IAP_SECTION, PlanSection, "plan__partner__network",
        lambda rows: rows.select_related("plan__partner__network"), _section,
        _of_visible_cities(PlanSection, "plan__partner"),
    ),
    Index(
        Kind.IAP_ACTION, PlanAction, "plan__partner__network",
        lambda rows: rows.select_related("plan__partner__network"), _plan_action,
        _of_visible_cities(PlanAction, "plan__partner"),
    ),
    Index(
        Kind.SSA, SmallScaleAction, "partner__network",
        lambda rows: rows.select_related("partner__network"), _ssa,
        _of_visible_cities(SmallScaleAction, "partner"),
    ),
    Index(
        Kind.STAKEHOLDER, Stakeholder, "partner__network",
        lambda rows: rows.select_related("partner__network"), _stakeholder,
        _each_network(stakeholders_visible_to),
    ),
    Index(
        Kind.ULG_MEETING, UlgMeeting, "partner__network",
        lambda rows: rows.select_related("partner__network"), _ulg_meeting,
        _each_network(ulg_meetings_visible_to),
    ),
    Index(Kind.PERSON, Membership, "network", _people_rows, _person, _people_visible),
    Index(
        Kind.NEWS, Article, "network", lambda rows: rows.select_related("network"), _article,
        _articles_visible, public=True,
    ),
]  # fmt: skip


def indexes_of(model) -> list[Index]:
    return [index for index in INDEXES if index.model is model]


def indexed_models() -> list[type[Model]]:
    return list(dict.fromkeys(index.model for index in INDEXES))


# What else a change shows in -------------------------------------------------------------


def _partner_neighbours(partner: Partner):
    """A city's name and language are in everything of the city."""
    return [
        (Stakeholder, Stakeholder.objects.filter(partner=partner)),
        (UlgMeeting, UlgMeeting.objects.filter(partner=partner)),
        (Roadmap, Roadmap.objects.filter(partner=partner)),
        (RoadmapStep, RoadmapStep.objects.filter(roadmap__partner=partner)),
        (PlanSection, PlanSection.objects.filter(plan__partner=partner)),
        (PlanAction, PlanAction.objects.filter(plan__partner=partner)),
        (SmallScaleAction, SmallScaleAction.objects.filter(partner=partner)),
        (Document, Document.objects.filter(partner=partner)),
        (Call, Call.objects.filter(cities=partner)),
        (Meeting, Meeting.objects.filter(host=partner)),
        (Membership, Membership.objects.filter(partner=partner)),
    ]


#: model → function(instance) → [(indexed model, its rows to read again)].
NEIGHBOURS: dict[type[Model], Callable] = {
    Partner: _partner_neighbours,
    User: lambda user: [
        (Membership, Membership.objects.filter(user=user)),
        (AgendaItem, AgendaItem.objects.filter(speakers=user)),
    ],
    # The first of a person's memberships in a network carries them: another may take over.
    Membership: lambda membership: [
        (
            Membership,
            Membership.objects.filter(user=membership.user_id, network=membership.network_id),
        )
    ],
    Meeting: lambda meeting: [(AgendaItem, AgendaItem.objects.filter(meeting=meeting))],
    Decision: lambda decision: [(Meeting, Meeting.objects.filter(pk=decision.meeting_id))],
    GuestSpeaker: lambda guest: [(AgendaItem, AgendaItem.objects.filter(pk=guest.agenda_item_id))],
}
