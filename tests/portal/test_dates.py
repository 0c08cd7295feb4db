"""Dates out of range: every date form refuses them, and a stored one breaks no page.

A call planned for year 1 once turned the meeting list, the call page and the calendar feed
into 500 errors for everyone; year 9999 overflowed in a UTC+14 zone.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.booking_forms import CheckupRoundForm
from meetings.enums import CallKind, NoticeKind
from meetings.forms import RescheduleForm
from meetings.models import AgendaItem, Call, CheckupRound, FollowUp, Meeting, Notice
from news.enums import ArticleStatus
from news.forms import PublishForm
from news.models import Article
from partners.enums import ObligationKind
from partners.forms import UlgMeetingForm, WorkplanStageForm
from partners.models import Obligation, UlgMeeting, WorkplanStage
from portal.dates import localtime_or_utc
from portal.validators import plausible_date, plausible_datetime
from progress.forms import ObligationForm

START = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)
MESSAGE = "Enter a date between 2000 and 2100."
FAR_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12"]  # UTC+14 and UTC-12
#: The first and last moments Python can hold, as a person might type them.
EDGE_TIMES = ["0001-01-01T00:00", "9999-12-31T23:59"]
EDGE_DATES = ["0001-01-01", "9999-12-31"]


@pytest.fixture
def meeting(net):
    return Meeting.objects.create(
        network=net, number=5, title="State of the art", starts_at=START,
        ends_at=START + dt.timedelta(hours=4),
    )  # fmt: skip


@pytest.fixture
def call(net, city_a, city_b, city_coordinator_a, city_member_a):
    call = Call.objects.create(
        network=net, kind=CallKind.BILATERAL, title="Peer call", starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
    )  # fmt: skip
    call.cities.set([city_a, city_b])
    call.participants.set([city_coordinator_a, city_member_a])
    return call


def _path(name, net, *args):
    return reverse(name, args=[net.slug, *args])


# Refused at the door ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", EDGE_TIMES)
@pytest.mark.parametrize("zone", ["Europe/Brussels", *FAR_ZONES])
def test_the_meeting_form_refuses_years_out_of_range(client_for, net, coordinator, typed, zone):
    coordinator.time_zone = zone
    coordinator.save()
    data = {
        "number": 6, "title": "Planning", "starts_at": typed, "ends_at": typed,
        "format": "online",
    }  # fmt: skip
    response = client_for(coordinator).post(_path("meetings:meeting_create", net), data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("typed", EDGE_TIMES)
def test_the_call_form_refuses_years_out_of_range(
    client_for, net, city_a, city_b, city_coordinator_a, typed
):
    data = {"title": "Peer", "starts_at": typed, "ends_at": typed, "cities": [city_a.pk, city_b.pk]}
    response = client_for(city_coordinator_a).post(_path("meetings:call_create", net), data)
    assert MESSAGE in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize("typed", EDGE_DATES)
def test_a_checkup_round_out_of_range_is_refused_before_any_slot_is_computed(
    client_for, net, city_a, city_b, coordinator, typed
):
    response = client_for(coordinator).post(
        _path("meetings:checkup_round_create", net),
        {"title": "Far check-up", "opens": "09:00", "closes": "12:00", "minutes": 60, "gap": 15,
         "day_1": typed, "open": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not CheckupRound.objects.exists() and not Call.objects.exists()


@pytest.mark.parametrize("typed", EDGE_TIMES)
def test_an_agenda_item_out_of_range_is_refused(client_for, net, meeting, coordinator, typed):
    response = client_for(coordinator).post(
        _path("meetings:agenda_item_create", net, meeting.number),
        {"starts_at": typed, "title": "Keynote", "kind": "keynote"},
    )
    assert MESSAGE in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("typed", EDGE_DATES)
def test_a_follow_up_out_of_range_is_refused(client_for, net, call, city_coordinator_a, typed):
    response = client_for(city_coordinator_a).post(
        _path("meetings:follow_up_create", net, call.pk), {"task": "Map the ULG", "due_on": typed}
    )
    assert MESSAGE in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("typed", EDGE_TIMES)
def test_a_new_time_out_of_range_is_refused(client_for, net, call, city_coordinator_a, typed):
    response = client_for(city_coordinator_a).post(
        _path("meetings:call_reschedule", net, call.pk), {"starts_at": typed, "ends_at": typed}
    )
    assert MESSAGE in response.content.decode()
    call.refresh_from_db()
    assert call.starts_at == START and call.sequence == 0


@pytest.mark.parametrize(
    "url_name, data, field",
    [
        ("iap:step_create", {"title": "Far", "status": "not_started"}, "due_on"),
        ("iap:action_create", {"title": "Far"}, "ends_on"),
        ("iap:ssa_create", {"title": "Far", "status": "planned"}, "starts_on"),
    ],
)
@pytest.mark.parametrize("typed", EDGE_DATES)
def test_plan_and_roadmap_dates_out_of_range_are_refused(
    client_for, net, city_a, city_member_a, url_name, data, field, typed
):
    before = (city_a.roadmap.steps.count(), city_a.action_plan.actions.count())
    response = client_for(city_member_a).post(
        reverse(url_name, args=[net.slug, city_a.slug]), {**data, field: typed}
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert (city_a.roadmap.steps.count(), city_a.action_plan.actions.count()) == before
    assert not city_a.small_scale_actions.exists()


@pytest.mark.parametrize("typed", EDGE_DATES)
def test_the_roadmap_deadline_out_of_range_is_refused(client_for, net, coordinator, typed):
    response = client_for(coordinator).post(
        _path("progress:obligation_create", net),
        {"kind": ObligationKind.ROADMAP, "title": "Roadmaps", "due_on": typed, "target": 1,
         "remind_days": "14, 3", "grace_days": 7},
    )  # fmt: skip
    assert MESSAGE in response.content.decode()
    assert not Obligation.objects.filter(kind=ObligationKind.ROADMAP).exists()


@pytest.mark.parametrize("typed", EDGE_TIMES)
def test_scheduling_an_article_out_of_range_is_refused(client_for, net, coordinator, typed):
    article = Article.objects.create(
        network=net, title="Draft", slug="draft", body="Text", author=coordinator
    )
    response = client_for(coordinator).post(
        _path("news:publish", net, article.pk),
        {"action": "schedule", "publish_at": typed},
        follow=True,  # the preview page shows the refusal
    )
    assert MESSAGE in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.publish_at is None


@pytest.mark.parametrize("typed", EDGE_DATES)
def test_city_and_workplan_date_forms_refuse_years_out_of_range(net, city_a, typed):
    forms = [
        UlgMeetingForm(
            {"held_on": typed, "topic": "ULG", "participants": 3},
            partner=city_a,
            instance=UlgMeeting(partner=city_a),
        ),
        WorkplanStageForm(
            {"name": "Activation", "starts_on": typed, "ends_on": typed},
            instance=WorkplanStage(network=net),
        ),
        ObligationForm(
            {
                "title": "Final IAP",
                "due_on": typed,
                "kind": ObligationKind.MILESTONE,
                "target": 1,
                "grace_days": 7,
            },
            instance=Obligation(network=net),
            network=net,
        ),
    ]
    for form in forms:
        assert not form.is_valid()
        assert MESSAGE in str(form.errors), type(form).__name__


@pytest.mark.parametrize("typed", EDGE_TIMES)
def test_plain_date_forms_refuse_years_out_of_range(net, typed):
    assert MESSAGE in str(RescheduleForm({"starts_at": typed, "ends_at": typed}).errors)
    checkup = CheckupRoundForm(
        {"title": "Far", "opens": "09:00", "closes": "12:00", "minutes": 60, "gap": 0,
         "day_1": typed[:10]},
        network=net,
    )  # fmt: skip
    assert MESSAGE in str(checkup.errors)
    assert MESSAGE in str(PublishForm({"action": "schedule", "publish_at": typed}).errors)


def test_the_edges_of_the_range_are_accepted():
    plausible_date(dt.date(2000, 1, 1))
    plausible_date(dt.date(2100, 12, 31))
    plausible_datetime(dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC))


# Robust to what is stored anyway ---------------------------------------------------------


def _store_call(net, city_a, city_b, people, when):
    """A call at `when`, written to the database directly, past every validator."""
    call = Call.objects.create(
        network=net, kind=CallKind.BILATERAL, title="Stored far away", starts_at=when,
        ends_at=when,
    )  # fmt: skip
    call.cities.set([city_a, city_b])
    call.participants.set(people)
    return call


YEAR_1 = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC)
YEAR_9999 = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("when", [YEAR_1, YEAR_9999], ids=["year-1", "year-9999"])
@pytest.mark.parametrize("zone", FAR_ZONES)
def test_a_stored_call_out_of_range_breaks_no_page_in_any_zone(
    client_for, net, city_a, city_b, city_member_a, zone, when
):
    city_member_a.time_zone = zone
    city_member_a.save()
    call = _store_call(net, city_a, city_b, [city_member_a], when)
    client = client_for(city_member_a)
    token = meeting_services.calendar_feed_renew(user=city_member_a)
    for url in [
        _path("meetings:meeting_list", net),
        call.get_absolute_url(),
        _path("meetings:call_ics", net, call.pk),
        reverse("meetings:calendar_feed", args=[token]),
        reverse("partners:network_home", args=[net.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(call.get_absolute_url()).content.decode()
    assert f"{when:%Y}" in page  # in UTC when the zone cannot hold it


@pytest.mark.parametrize("when", [YEAR_1, YEAR_9999], ids=["year-1", "year-9999"])
def test_a_notice_about_a_call_out_of_range_can_still_be_written(
    net, city_a, city_b, city_member_a, when
):
    city_member_a.time_zone = "Pacific/Kiritimati"
    city_member_a.save()
    call = _store_call(net, city_a, city_b, [city_member_a], when)
    notice = Notice(
        call=call, user=city_member_a, kind=NoticeKind.UPDATE, event_starts_at=when,
        due_at=timezone.now(),
    )  # fmt: skip
    message = meeting_services.notice_message(notice)
    assert f"{when:%Y}" in message.body


def test_a_time_that_fits_the_zone_is_shown_in_the_zone():
    kiritimati = timezone.get_fixed_timezone(14 * 60)
    assert localtime_or_utc(START, kiritimati).hour == 23
    assert localtime_or_utc(YEAR_9999, kiritimati) == YEAR_9999
    assert localtime_or_utc(YEAR_9999, kiritimati).utcoffset() == dt.timedelta(0)
