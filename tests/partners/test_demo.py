"""`manage.py load_demo`: the CITIES4CSR demo keeps its 2020–21 history, and its open work is
dated from the day it is loaded, so that every role's home has something to do."""

import datetime as dt
import zoneinfo
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from iap.enums import RoadmapState, SsaStatus
from iap.models import ActionPlan, Roadmap, RoadmapTransition
from meetings.enums import AgendaKind, CallKind, DocumentKind, MeetingFormat
from meetings.models import (
    Action,
    Attendance,
    CheckupRound,
    CheckupSlot,
    Decision,
    Document,
    FollowUp,
    GuestSpeaker,
    Meeting,
)
from meetings.timespan import span_text
from news.enums import ArticleStatus
from news.models import Article
from partners.enums import ObligationKind, ObligationState
from partners.models import Membership, Network, Notification, Partner, UlgMeeting, User
from portal.outbox import OutboxStatus, outbox_models
from progress.states import matrix
from reviews.enums import ThreadState

CITY_SLUGS = [
    "milan", "sofia", "vratsa", "kekava", "rijeka",
    "guimaraes", "molina-de-segura", "budaors", "bratislava", "nantes",
]  # fmt: skip

#: A Wednesday in the middle of a month and of a quarter, for the tests that pin the day.
DAY = dt.date(2025, 5, 14)
SOFIA = zoneinfo.ZoneInfo("Europe/Sofia")
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
OPEN_ROUND = "Check-up on drafting the final IAP"


@pytest.fixture(scope="module", autouse=True)
def media_root(tmp_path_factory):
    """The demo's library files go to a folder of the tests, not the portal's media."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def counts():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("partners", "meetings", "iap", "news")
        for model in apps.get_app_config(app).get_models()
    }


def demo_network():
    return Network.objects.get(slug="cities4csr")


def obligation(kind):
    return demo_network().obligations.get(kind=kind)


DAY_START = dt.datetime(DAY.year, DAY.month, DAY.day, tzinfo=dt.UTC)


def cells(kind, *, today):
    """The demo cities' standing on the obligation of this kind, by city slug."""
    grid = matrix(network=demo_network(), today=today)
    ob = next(ob for ob in grid.obligations if ob.kind == kind)
    return {partner.slug: grid.cells[(ob.pk, partner.pk)] for partner in grid.partners}


def slugs_in(standings, state):
    return {slug for slug, cell in standings.items() if cell.state == state}


def pending_emails() -> int:
    return sum(m.objects.filter(status=OutboxStatus.PENDING).count() for m in outbox_models())


@pytest.fixture(scope="class")
def loaded_on_day(django_db_setup, django_db_blocker):
    """`load_demo --today DAY` once for the tests of a class that only read; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load(today=DAY.isoformat())
        transaction.set_rollback(True)


@pytest.fixture(scope="class")
def loaded_today(django_db_setup, django_db_blocker):
    """`load_demo` as `make run` does it, on the real today; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


# Loading twice, and on another day ----------------------------------------------------------


def dated():
    """The dates and states of the demo's open work and history."""
    network = demo_network()
    return {
        "obligations": list(network.obligations.values_list("title", "due_on", "opens_on")),
        "meetings": list(network.meetings.values_list("number", "starts_at", "sequence")),
        "calls": list(network.calls.order_by("pk").values_list("starts_at", "sequence")),
        "roadmaps": list(Roadmap.objects.order_by("pk").values_list("pk", "state", "state_since")),
        "transitions": list(
            RoadmapTransition.objects.order_by("pk").values_list("pk", "to_state", "at")
        ),
        "notifications": list(
            Notification.objects.order_by("pk").values_list("pk", "created_at", "read_at")
        ),
        "follow_ups": list(
            FollowUp.objects.order_by("pk").values_list("due_on", "done", "done_at")
        ),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "text")),
        "slots": list(
            CheckupSlot.objects.order_by("pk").values_list(
                "starts_at", "partner", "booked_by", "booked_at", "call"
            )
        ),
        "documents": list(  # each file written once: loading again keeps it
            Document.objects.order_by("pk").values_list("pk", "file", "thumbnail", "uploaded_at")
        ),
    }


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_twice():
    load()
    first, first_dated = counts(), dated()
    load()
    assert counts() == first
    assert dated() == first_dated


@pytest.mark.django_db
def test_loaded_again_on_a_later_day_the_open_work_moves_and_nothing_is_doubled():
    load(today=DAY.isoformat())
    first = counts()
    later = DAY + dt.timedelta(days=40)
    load(today=later.isoformat())
    assert counts() == first
    # The review still waits 3 days, the SSAs were due a week ago, TNM #6 is in 3 weeks.
    review = cells(ObligationKind.ROADMAP_REVIEW, today=later)
    assert review["vratsa"].detail == "Waiting for review for 3 days"
    assert obligation(ObligationKind.SSAS_PLANNED).due_on == later - dt.timedelta(days=7)
    assert slugs_in(cells(ObligationKind.SSAS_PLANNED, today=later), ObligationState.LATE) == {
        "rijeka",
        "nantes",
    }
    tnm6 = Meeting.objects.get(network=demo_network(), number=6)
    assert tnm6.starts_at.date() == later + dt.timedelta(days=21)
    assert tnm6.sequence == 1  # a new time for the calendars that hold it
    tnm7 = Meeting.objects.get(network=demo_network(), number=7)
    assert tnm7.starts_at > tnm6.ends_at
    assert tnm7.starts_at.astimezone(SOFIA).date() == dt.date(2025, 7, 30)  # a Wednesday
    assert tnm7.sequence == 1
    slots = CheckupSlot.objects.filter(checkup_round__title=OPEN_ROUND)
    assert slots.first().starts_at.astimezone(BRUSSELS).date() == later + dt.timedelta(days=10)
    assert slots.filter(partner__isnull=False, call__starts_at=F("starts_at")).count() == 3
    # The history did not move.
    assert Roadmap.objects.get(partner__slug="milan").state_since.date() == dt.date(2021, 1, 14)


@pytest.mark.django_db
def test_loading_again_puts_back_a_roadmap_someone_changed_while_trying_the_demo():
    from reviews import services

    load(today=DAY.isoformat())
    first = counts()
    vratsa = Roadmap.objects.get(partner__slug="vratsa")
    lead_expert = User.objects.get(email="lead-expert@example.org")
    services.thread_open(document=vratsa, user=lead_expert, body="Trying the demo.")
    services.approve(document=vratsa, user=lead_expert, comment="Fine.")
    load(today=DAY.isoformat())
    vratsa.refresh_from_db()
    assert vratsa.state == RoadmapState.SUBMITTED
    assert counts() == first


@pytest.mark.django_db
def test_today_must_be_a_date_after_the_demo_history():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        load(today="14/05/2025")
    with pytest.raises(CommandError, match="between 2022 and 2100"):
        load(today="0001-01-01")
    assert not Network.objects.filter(slug="cities4csr").exists()


@pytest.mark.django_db
def test_on_the_first_day_of_a_quarter_the_open_work_still_falls_in_its_periods():
    day = dt.date(2025, 7, 1)
    load(today=day.isoformat())
    ulg = cells(ObligationKind.ULG_MEETING, today=day)
    assert slugs_in(ulg, ObligationState.DONE) == {"milan", "guimaraes", "budaors", "bratislava"}
    follow_ups = cells(ObligationKind.FOLLOW_UPS, today=day)
    assert slugs_in(follow_ups, ObligationState.LATE) == {"kekava"}
    assert FollowUp.objects.filter(
        call__network=demo_network(), done=False, due_on__year=2025, due_on__month=7
    ).exists()


@pytest.mark.django_db
def test_when_tnm_6_falls_in_this_month_its_open_actions_count_in_the_obligations():
    day = dt.date(2025, 5, 5)  # TNM #6 on 26 May, inside the follow-ups' period
    load(today=day.isoformat())
    follow_ups = cells(ObligationKind.FOLLOW_UPS, today=day)
    assert follow_ups["kekava"].state == ObligationState.LATE
    assert follow_ups["kekava"].detail == "0 of 3 done"  # two follow-ups, the TNM #6 slides
    assert follow_ups["sofia"].detail == "1 of 3 done"  # and the travel for TNM #7
    assert slugs_in(follow_ups, ObligationState.LATE) == {"kekava"}


# The people and their logins ---------------------------------------------------------------


@pytest.mark.django_db
def test_demo_has_the_ten_cities4csr_partners_and_the_demo_logins(client):
    out = load()
    network = demo_network()
    assert set(network.partners.values_list("slug", flat=True)) == set(CITY_SLUGS)
    assert network.partners.get(is_lead_partner=True).city == "Milan"
    for slug in CITY_SLUGS:
        assert f"{slug}@example.org" in out
        assert Membership.objects.filter(
            user__email=f"{slug}-member@example.org", partner__slug=slug, network=network
        ).exists()
    printed = [line.split()[0] for line in out.splitlines() if "@example.org" in line]
    assert len(printed) == 25
    for email in printed:
        assert User.objects.get(email=email).check_password("cities4csr-demo")
    other = Network.objects.exclude(pk=network.pk).get()
    assert Partner.objects.filter(network=other).count() == 2
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator@example.org", "password": "cities4csr-demo"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("progress:home", args=["cities4csr"])


@pytest.mark.django_db
def test_demo_city_member_cannot_open_the_other_network(client):
    load()
    client.force_login(User.objects.get(email="sofia-member@example.org"))
    other = Network.objects.exclude(slug="cities4csr").get()
    assert client.get(other.get_absolute_url()).status_code == 404


# The data, on a pinned day -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_on_day")
class TestOpenWorkOnAPinnedDay:
    def test_two_cities_are_late_on_the_small_scale_actions_due_a_week_ago(self):
        ob = obligation(ObligationKind.SSAS_PLANNED)
        assert ob.due_on == DAY - dt.timedelta(days=7)
        ssas = cells(ObligationKind.SSAS_PLANNED, today=DAY)
        late = slugs_in(ssas, ObligationState.LATE)
        assert late == {"rijeka", "nantes"}
        assert {ssas[slug].days_late for slug in late} == {7}
        assert slugs_in(ssas, ObligationState.DONE) == set(CITY_SLUGS) - late
        for slug in late:  # an idea, nothing planned
            city = Partner.objects.get(network=demo_network(), slug=slug)
            assert set(city.small_scale_actions.values_list("status", flat=True)) == {
                SsaStatus.IDEA
            }

    def test_one_roadmap_resubmitted_three_days_ago_waits_for_review(self):
        waiting = Roadmap.objects.filter(
            partner__network=demo_network(),
            state__in=[RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW],
        )
        assert [r.partner.slug for r in waiting] == ["vratsa"]
        vratsa = waiting.get()
        last = vratsa.transitions.order_by("at", "pk").last()
        assert last.to_state == RoadmapState.SUBMITTED
        assert last.at.date() == DAY - dt.timedelta(days=3)
        assert vratsa.state_since == last.at
        assert vratsa.submitted_at.date() == dt.date(2020, 12, 29)  # first submitted then
        version = vratsa.versions.order_by("number").last()
        assert (version.number, version.created_at) == (2, last.at)
        told = Notification.objects.filter(
            url=vratsa.get_absolute_url(), title__contains="(version 2)"
        )
        assert {n.recipient.email for n in told} == {
            "lead-expert@example.org",
            "lead-partner@example.org",
        }
        assert {(n.created_at, n.read_at) for n in told} == {(last.at, None)}

        review = obligation(ObligationKind.ROADMAP_REVIEW)
        assert review.within_days == 10
        cell = cells(ObligationKind.ROADMAP_REVIEW, today=DAY)["vratsa"]
        assert cell.detail == "Waiting for review for 3 days"
        assert cell.due_on == DAY + dt.timedelta(days=7)
        assert cell.is_open

    def test_sofia_has_changes_requested_a_few_days_ago_with_two_comments_to_address(self):
        sofia = Roadmap.objects.get(partner__network=demo_network(), partner__slug="sofia")
        assert sofia.state == RoadmapState.CHANGES_REQUESTED
        transitions = list(sofia.transitions.order_by("at", "pk"))
        last = transitions[-1]
        assert last.to_state == RoadmapState.CHANGES_REQUESTED
        assert last.by.email == "lead-expert@example.org"
        assert 2 <= (DAY - last.at.date()).days <= 5
        assert sofia.state_since == last.at
        submitted = max(t.at for t in transitions if t.to_state == RoadmapState.SUBMITTED)
        since = sofia.threads.filter(opened_at__gt=submitted, is_change_request=False)
        assert since.count() == 2
        assert all(submitted < t.opened_at < last.at for t in since)
        assert {t.state for t in since} == {ThreadState.OPEN}
        request = sofia.threads.get(opened_at=last.at, is_change_request=True)
        assert request.state == ThreadState.OPEN
        assert sofia.versions.count() == 2
        unread = Notification.objects.filter(
            recipient__email="sofia@example.org", read_at__isnull=True
        )
        assert unread.filter(title="Changes requested on your IAP roadmap").exists()

    def test_the_history_stays_in_2020_and_2021(self):
        roadmaps = Roadmap.objects.filter(partner__network=demo_network())
        assert {r.submitted_at.date().isoformat()[:7] for r in roadmaps} == {"2020-12"}
        approved = roadmaps.filter(state=RoadmapState.APPROVED)
        assert approved.count() == 8
        assert {r.state_since.year for r in approved} == {2021}
        roadmap_cells = cells(ObligationKind.ROADMAP, today=DAY)
        assert slugs_in(roadmap_cells, ObligationState.DONE) == set(CITY_SLUGS)
        for roadmap in roadmaps:  # each transition in order, each version at a submission
            moments = list(roadmap.transitions.order_by("pk").values_list("at", flat=True))
            assert moments == sorted(moments)
            submissions = roadmap.transitions.filter(to_state=RoadmapState.SUBMITTED)
            assert sorted(roadmap.versions.values_list("created_at", flat=True)) == sorted(
                submissions.values_list("at", flat=True)
            )
        meetings = Meeting.objects.filter(network=demo_network(), number__lte=5)
        assert {m.number: m.starts_at.date().isoformat() for m in meetings} == {
            2: "2020-10-28", 3: "2020-11-25", 4: "2020-12-14", 5: "2021-02-16",
        }  # fmt: skip

    def test_old_notifications_are_read_and_no_email_waits_to_go_out(self):
        old = Notification.objects.filter(created_at__date__lt=DAY - dt.timedelta(days=14))
        assert old.exists()
        assert not old.filter(read_at__isnull=True).exists()
        assert pending_emails() == 0

    def test_tnm_6_in_three_weeks_with_an_agenda_and_some_cities_registered(self):
        tnm6 = Meeting.objects.get(network=demo_network(), number=6)
        assert tnm6.is_planned
        assert tnm6.starts_at.date() == DAY + dt.timedelta(days=21)
        assert tnm6.agenda.count() >= 3
        ob = obligation(ObligationKind.TNM_ATTENDANCE)
        assert (ob.meeting_number, ob.due_on) == (6, DAY + dt.timedelta(days=14))
        attendance = cells(ObligationKind.TNM_ATTENDANCE, today=DAY)
        not_yet = slugs_in(attendance, ObligationState.DUE_SOON)
        assert not_yet == {"sofia", "vratsa", "rijeka", "nantes"}
        assert slugs_in(attendance, ObligationState.DONE) == set(CITY_SLUGS) - not_yet
        assert not Attendance.objects.filter(meeting=tnm6, partner__slug__in=not_yet).exists()

    def test_follow_ups_of_a_recent_check_up_round_are_due_this_month_one_overdue(self):
        ob = obligation(ObligationKind.FOLLOW_UPS)
        assert ob.due_on == dt.date(2025, 5, 31)
        assert DAY - dt.timedelta(days=21) <= ob.opens_on <= DAY - dt.timedelta(days=10)
        recent = FollowUp.objects.filter(
            call__network=demo_network(), call__starts_at__date__gte=ob.opens_on
        )
        open_ = recent.filter(done=False)
        assert open_.filter(due_on__gte=DAY, due_on__lte=ob.due_on).count() >= 3
        assert recent.filter(done=True).exists()
        overdue = open_.filter(due_on__lt=DAY)
        assert [f.call.cities.get().slug for f in overdue] == ["kekava"]
        follow_ups = cells(ObligationKind.FOLLOW_UPS, today=DAY)
        assert slugs_in(follow_ups, ObligationState.LATE) == {"kekava"}
        assert slugs_in(follow_ups, ObligationState.ON_TRACK) == {  # 17 days left
            "sofia", "vratsa", "budaors", "molina-de-segura",
        }  # fmt: skip

    def test_a_ulg_meeting_is_owed_this_quarter_and_a_few_cities_held_one(self):
        ob = obligation(ObligationKind.ULG_MEETING)
        assert (ob.opens_on, ob.due_on) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
        ulg = cells(ObligationKind.ULG_MEETING, today=DAY)
        held = slugs_in(ulg, ObligationState.DONE)
        assert held == {"milan", "guimaraes", "budaors", "bratislava"}
        recent = UlgMeeting.objects.filter(
            partner__network=demo_network(), held_on__gte=ob.opens_on
        )
        assert all(DAY - dt.timedelta(days=28) <= m.held_on <= DAY for m in recent)
        assert slugs_in(ulg, ObligationState.ON_TRACK) == set(CITY_SLUGS) - held

    def test_final_iaps_are_due_in_about_seven_months(self):
        ob = obligation(ObligationKind.FINAL_IAP)
        assert ob.due_on == dt.date(2025, 12, 14)
        final = cells(ObligationKind.FINAL_IAP, today=DAY)
        delivered = set(  # the demo's plans already submitted for review (rubric, peers)
            ActionPlan.objects.filter(partner__network=demo_network())
            .exclude(state=RoadmapState.DRAFT)
            .values_list("partner__slug", flat=True)
        )
        assert slugs_in(final, ObligationState.DONE) == delivered
        assert slugs_in(final, ObligationState.ON_TRACK) == set(CITY_SLUGS) - delivered

    def test_tnm_7_in_sofia_spans_two_days_in_sofia_s_zone_hybrid_with_venue_and_link(self):
        tnm7 = Meeting.objects.select_related("host").get(network=demo_network(), number=7)
        assert tnm7.is_planned
        assert tnm7.format == MeetingFormat.HYBRID
        assert "Sofia" in tnm7.venue
        assert tnm7.online_link.startswith("https://")
        assert tnm7.host.slug == "sofia"
        starts, ends = tnm7.starts_at.astimezone(SOFIA), tnm7.ends_at.astimezone(SOFIA)
        first = dt.date(2025, 6, 18)  # the Wednesday five weeks after DAY
        assert (starts.date(), starts.time()) == (first, dt.time(10, 0))
        assert (ends.date(), ends.time()) == (first + dt.timedelta(days=1), dt.time(13, 0))
        assert span_text(tnm7.starts_at, tnm7.ends_at, SOFIA) == (
            "Wed 18 – Thu 19 Jun 2025, 10:00–13:00 EEST"
        )
        tnm6 = Meeting.objects.get(network=demo_network(), number=6)
        assert tnm6.ends_at < tnm7.starts_at

    def test_tnm_7_has_a_programme_over_both_days_with_speakers_and_their_organisations(self):
        tnm7 = Meeting.objects.get(network=demo_network(), number=7)
        items = list(tnm7.agenda.prefetch_related("speakers", "guest_speakers"))
        assert len(items) >= 8
        days = {}
        for item in items:
            assert tnm7.starts_at <= item.starts_at <= tnm7.ends_at
            local = item.starts_at.astimezone(SOFIA)
            days.setdefault(local.date(), []).append(local.time())
        first, second = sorted(days)
        assert second - first == dt.timedelta(days=1)
        assert min(days[first]) == dt.time(10, 0) and max(days[first]) < dt.time(17, 30)
        assert min(days[second]) == dt.time(9, 30) and max(days[second]) < dt.time(13, 0)
        kinds = {item.kind for item in items}
        assert {AgendaKind.KEYNOTE, AgendaKind.WORKSHOP, AgendaKind.BILATERAL_CALLS} <= kinds
        assert any("Site visit" in item.title for item in items)
        assert any("wrap-up" in item.title.lower() for item in items)
        speakers = {user.email for item in items for user in item.speakers.all()}
        assert {"sofia@example.org", "lead-expert@example.org"} <= speakers
        guests = GuestSpeaker.objects.filter(agenda_item__meeting=tnm7)
        assert guests.count() >= 4
        assert all(guest.affiliation for guest in guests)

    def test_tnm_5_recorded_decisions_and_actions_done_in_2021(self):
        tnm5 = Meeting.objects.get(network=demo_network(), number=5)
        decisions = list(tnm5.decisions.values_list("text", flat=True))
        assert 2 <= len(decisions) <= 3
        assert decisions[0].startswith("Cities are clustered into pairs")
        assert "Sofia with Vratsa" in decisions[0]
        assert any("first Small Scale Action by June 2021" in text for text in decisions)
        actions = list(tnm5.actions.select_related("partner", "owner"))
        assert 4 <= len(actions) <= 6
        assert {action.due_on.year for action in actions} == {2021}
        assert all(action.done and action.done_at.year == 2021 for action in actions)
        assert any(action.partner is not None for action in actions)  # a city's
        assert any(action.partner is None and action.owner for action in actions)  # a person's
        assert {action.created_at.date() for action in actions} == {dt.date(2021, 2, 16)}

    def test_tnm_6_preparation_leaves_open_actions_due_this_month_one_overdue(self):
        open_ = Action.objects.filter(meeting__network=demo_network(), done=False)
        assert 1 <= open_.count() <= 2
        assert {(a.due_on.year, a.due_on.month) for a in open_} == {(DAY.year, DAY.month)}
        assert {a.meeting.number for a in open_} == {6}
        overdue = open_.filter(due_on__lt=DAY)
        assert [a.partner.slug for a in overdue] == ["kekava"]
        assert all(a.owner.email == f"{a.partner.slug}@example.org" for a in open_)

    def test_an_open_check_up_round_offers_slots_over_three_days_in_brussels(self):
        checkup_round = CheckupRound.objects.get(network=demo_network(), title=OPEN_ROUND)
        assert checkup_round.created_at.date() < DAY
        slots = list(checkup_round.slots.prefetch_related("hosts"))
        days = {}
        for slot in slots:
            starts, ends = slot.starts_at.astimezone(BRUSSELS), slot.ends_at.astimezone(BRUSSELS)
            assert ends - starts == dt.timedelta(minutes=45)
            assert dt.time(9, 0) <= starts.time() and ends.time() <= dt.time(16, 0)
            assert {h.email for h in slot.hosts.all()} == {
                "lead-partner@example.org",
                "lead-expert@example.org",
            }
            days.setdefault(starts.date(), []).append(starts.time())
        # About ten days ahead, on working days: Mon 26 – Wed 28 May 2025.
        assert sorted(days) == [dt.date(2025, 5, 26), dt.date(2025, 5, 27), dt.date(2025, 5, 28)]
        assert all(times[0] == dt.time(9, 0) for times in days.values())
        for first, second in zip(slots, slots[1:], strict=False):  # 15 minutes between
            if first.starts_at.date() == second.starts_at.date():
                assert second.starts_at - first.ends_at == dt.timedelta(minutes=15)
        assert sum(1 for slot in slots if slot.is_free) >= 10

    def test_exactly_three_cities_booked_a_slot_each_with_its_call(self):
        checkup_round = CheckupRound.objects.get(network=demo_network(), title=OPEN_ROUND)
        booked = checkup_round.slots.filter(partner__isnull=False).select_related(
            "partner", "booked_by", "call"
        )
        assert booked.count() == 3
        hosts = {"lead-partner@example.org", "lead-expert@example.org"}
        for slot in booked:
            slug = slot.partner.slug
            assert slot.booked_by.email == f"{slug}@example.org"
            assert checkup_round.created_at < slot.booked_at < DAY_START
            call = slot.call
            assert call.kind == CallKind.CHECKUP and call.is_planned
            assert call.checkup_round == checkup_round
            assert (call.starts_at, call.ends_at) == (slot.starts_at, slot.ends_at)
            assert list(call.cities.values_list("slug", flat=True)) == [slug]
            assert set(call.participants.values_list("email", flat=True)) == {
                f"{slug}@example.org",
                f"{slug}-member@example.org",
                *hosts,
            }
        assert checkup_round.calls.count() == 3
        not_booked = set(CITY_SLUGS) - {slot.partner.slug for slot in booked}
        assert len(not_booked) == 7
        # Every city was told the round is open (the e-mails went out then); those that
        # booked have read it.
        told = Notification.objects.filter(
            network=demo_network(), title__startswith="Book your check-up call"
        )
        assert {n.recipient.email for n in told} == {f"{s}@example.org" for s in CITY_SLUGS}
        unread = {n.recipient.email for n in told.filter(read_at__isnull=True)}
        assert unread == {f"{s}@example.org" for s in not_booked}
        assert all(n.email.status == OutboxStatus.SENT for n in told)

    def test_the_earlier_check_up_rounds_are_kept_as_they_were(self):
        december = CheckupRound.objects.get(network=demo_network(), title="December 2020 check-up")
        assert december.calls.count() == 10
        assert not december.slots.exists()
        latest = CheckupRound.objects.get(
            network=demo_network(), title="Check-up on the Small Scale Actions"
        )
        assert latest.calls.count() == 10
        assert not latest.slots.exists()

    def test_the_library_holds_a_study_a_template_a_city_s_slides_and_a_photo(self):
        documents = Document.objects.filter(network=demo_network())
        network_files = documents.filter(meeting__isnull=True)
        kinds = set(network_files.values_list("kind", flat=True))
        assert {DocumentKind.STUDY, DocumentKind.TEMPLATE} <= kinds
        study = network_files.filter(kind=DocumentKind.STUDY).first()
        with study.file.open("rb") as stored:
            assert PdfReader(BytesIO(stored.read())).pages[0].extract_text()
        template = network_files.get(kind=DocumentKind.TEMPLATE)
        with template.file.open("rb") as stored:
            sheet = openpyxl.load_workbook(BytesIO(stored.read())).active
        assert "Action" in [cell.value for cell in sheet[3]]

        tnm5 = documents.filter(meeting__number=5)
        slides = tnm5.get(kind=DocumentKind.PRESENTATION)
        assert slides.partner.slug == "sofia"
        assert slides.uploaded_by.email == "sofia@example.org"
        assert slides.uploaded_at.date() <= dt.date(2021, 2, 16)
        assert slides.file.name.endswith(".pdf")
        photo = tnm5.get(kind=DocumentKind.PHOTO)
        with photo.file.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "JPEG" and image.width > 320
        with photo.thumbnail.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "JPEG" and image.width == 320
        assert all(not document.thumbnail for document in documents.exclude(pk=photo.pk))

    def test_a_draft_article_waits_to_be_published(self):
        drafts = Article.objects.filter(network=demo_network(), status=ArticleStatus.DRAFT)
        assert drafts.count() == 1
        assert drafts.get().edited_at.date() == DAY - dt.timedelta(days=1)
        published = Article.objects.filter(network=demo_network(), status=ArticleStatus.PUBLISHED)
        assert published.count() == 1


# Right after `make run`: the real today, and each role's home -------------------------------


def home_of(client, email):
    client.force_login(User.objects.get(email=email))
    response = client.get(reverse("progress:home", args=["cities4csr"]))
    assert response.status_code == 200
    return response.content.decode()


def city_url(name, slug):
    return reverse(name, args=["cities4csr", slug])


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_today")
class TestEveryRoleHasSomethingToDoToday:
    def test_the_open_work_is_dated_from_the_real_today(self):
        grid = matrix(network=demo_network())
        late = [cell for cell in grid.all() if cell.state == ObligationState.LATE]
        ssas = [cell for cell in late if cell.obligation.kind == ObligationKind.SSAS_PLANNED]
        assert {cell.partner.slug for cell in ssas} == {"rijeka", "nantes"}
        assert all(cell.days_late == 7 for cell in ssas)
        review = cells(ObligationKind.ROADMAP_REVIEW, today=grid.today)
        assert review["vratsa"].detail == "Waiting for review for 3 days"
        tnm6 = Meeting.objects.get(network=demo_network(), number=6)
        assert (tnm6.starts_at.date() - grid.today).days == 21

    def test_sofia_s_coordinator_sees_the_changes_asked_on_her_roadmap(self, client):
        html = home_of(client, "sofia@example.org")
        assert city_url("iap:roadmap", "sofia") in html
        assert "3 comments to address" in html  # the two comments and the request itself

    def test_the_lead_expert_sees_the_review_waiting_for_3_days(self, client):
        html = home_of(client, "lead-expert@example.org")
        assert city_url("iap:roadmap", "vratsa") in html
        assert "3 days" in html

    def test_the_coordinator_sees_the_late_cities_and_the_draft_to_publish(self, client):
        html = home_of(client, "coordinator@example.org")
        for slug in ("rijeka", "nantes"):  # their late cell links to their SSAs
            assert city_url("iap:ssa_list", slug) in html
        assert "First Small Scale Actions" in html

    def test_the_programme_officer_reaches_every_city_s_roadmap_and_plan(self, client):
        html = home_of(client, "officer@example.org")
        for slug in CITY_SLUGS:
            assert city_url("iap:roadmap", slug) in html
            assert city_url("iap:plan", slug) in html

    def test_the_cities_find_the_open_actions_of_tnm_6_on_their_home(self, client):
        html = home_of(client, "kekava@example.org")
        assert "Send the slides on your first Small Scale Action for TNM #6" in html
        assert "Overdue by 3 days" in html
        html = home_of(client, "sofia@example.org")
        assert "travel and hotel information for TNM #7 in Sofia" in html

    def test_a_city_opens_tnm_7_the_library_and_the_open_round(self, client):
        client.force_login(User.objects.get(email="rijeka@example.org"))
        tnm7 = Meeting.objects.get(network=demo_network(), number=7)
        html = client.get(tnm7.get_absolute_url()).content.decode()
        assert "Sofia City Hall" in html
        assert "Site visit" in html
        assert tnm7.online_link in html  # members see the link
        library = client.get(reverse("meetings:library", args=["cities4csr"]))
        assert library.status_code == 200
        assert "Template: the IAP action table" in library.content.decode()
        checkup_round = CheckupRound.objects.get(network=demo_network(), title=OPEN_ROUND)
        page = client.get(reverse("meetings:checkup_round", args=["cities4csr", checkup_round.pk]))
        assert page.status_code == 200
        assert OPEN_ROUND in page.content.decode()
