"""The coordinator sets the network's obligations on their own pages; the staff read the
audit log of the reminders. Whatever is typed, the answer is a form with its errors or a
redirect, never a 500, and a refused form changes nothing."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.enums import ObligationKind
from partners.models import Obligation
from progress.enums import ReminderStage
from progress.models import ReminderSent
from tests.factories import PartnerFactory
from tests.meetings.conftest import meeting  # noqa: F401

ULG = {
    "kind": ObligationKind.ULG_MEETING,
    "title": "ULG meeting this quarter",
    "due_on": "2021-03-31",
    "opens_on": "2021-01-01",
    "within_days": "",
    "target": "",
    "meeting_number": "",
    "remind_days": "14, 3",
    "grace_days": "7",
}


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def errors_of(response) -> str:
    """The error summary the form page shows."""
    found = re.search(r'<div class="alert alert-danger".*?</div>', response.content.decode(), re.S)
    assert found, "no error summary on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found[0])).split()).replace(" :", ":")


@pytest.fixture
def urls(net):
    def url(name, *args):
        return reverse(f"progress:{name}", args=[net.slug, *args])

    return url


@pytest.fixture
def as_coordinator(client_for, coordinator):
    return client_for(coordinator)


# The list ---------------------------------------------------------------------------------


def test_the_list_says_what_each_obligation_asks_when_and_how_it_reminds(
    as_coordinator, urls, roadmap_obligation, review_obligation
):
    Obligation.objects.create(
        network=roadmap_obligation.network, kind=ObligationKind.SSAS_PLANNED,
        title="SSAs planned", due_on=dt.date(2021, 6, 30), target=3, remind_days=[],
        grace_days=1,
    )  # fmt: skip
    text = page_text(as_coordinator.get(urls("obligations")))
    assert "IAP roadmaps submitted Submit the IAP roadmap 31 Dec 2020 14, 3 days before" in text
    assert "after 7 days late" in text
    assert "Review each submitted roadmap within 10 days of each submission" in text
    assert "Plan the Small Scale Actions 3 per city 30 Jun 2021 None before the date" in text
    assert "after 1 day late" in text
    body = as_coordinator.get(urls("obligations")).content.decode()
    assert urls("obligation_edit", roadmap_obligation.pk) in body
    assert urls("obligation_remove", review_obligation.pk) in body
    assert urls("obligation_create") in body


def test_the_matrix_links_to_the_obligations_for_the_coordinator_only(
    client_for, urls, coordinator, officer, roadmap_obligation
):
    assert urls("obligations") in client_for(coordinator).get(urls("matrix")).content.decode()
    assert urls("obligations") not in client_for(officer).get(urls("matrix")).content.decode()


# Adding and changing ----------------------------------------------------------------------


def test_the_coordinator_adds_a_ulg_meeting_obligation_and_the_matrix_shows_it(
    as_coordinator, urls, net, city_a, city_b
):
    form = as_coordinator.get(urls("obligation_create"))
    assert form.status_code == 200
    assert 'type="date"' in form.content.decode()
    assert "separated by commas" in page_text(form)

    response = as_coordinator.post(urls("obligation_create"), ULG, follow=True)
    assert response.redirect_chain[-1][0] == urls("obligations")
    assert "The obligation “ULG meeting this quarter” has been added." in page_text(response)
    obligation = Obligation.objects.get(network=net, kind=ObligationKind.ULG_MEETING)
    assert (obligation.due_on, obligation.opens_on) == (dt.date(2021, 3, 31), dt.date(2021, 1, 1))
    assert obligation.remind_days == [14, 3] and obligation.grace_days == 7
    matrix = page_text(as_coordinator.get(urls("matrix")))
    assert "ULG meeting this quarter" in matrix
    assert "Alphaville" in matrix and "Betatown" in matrix


def test_what_does_not_matter_for_the_kind_is_not_kept(as_coordinator, urls, net):
    data = {**ULG, "within_days": "10", "target": "5", "meeting_number": "4"}
    assert as_coordinator.post(urls("obligation_create"), data).status_code == 302
    obligation = Obligation.objects.get(network=net)
    assert (obligation.within_days, obligation.meeting_number, obligation.target) == (None, None, 1)

    review = {**ULG, "kind": ObligationKind.ROADMAP_REVIEW, "title": "Reviewed",
              "due_on": "0001-01-01", "opens_on": "2021-01-01", "within_days": "10"}  # fmt: skip
    assert as_coordinator.post(urls("obligation_create"), review).status_code == 302
    review = Obligation.objects.get(network=net, kind=ObligationKind.ROADMAP_REVIEW)
    assert (review.due_on, review.opens_on, review.within_days) == (None, None, 10)


def test_the_coordinator_changes_an_obligation(as_coordinator, urls, roadmap_obligation):
    url = urls("obligation_edit", roadmap_obligation.pk)
    page = as_coordinator.get(url)
    assert 'value="2020-12-31"' in page.content.decode()
    assert 'value="14,3"' in page.content.decode()
    data = {**ULG, "kind": ObligationKind.ROADMAP, "title": "Roadmaps in",
            "due_on": "2021-01-15", "opens_on": "", "remind_days": "3, 30, 7"}  # fmt: skip
    response = as_coordinator.post(url, data, follow=True)
    assert "The obligation “Roadmaps in” has been saved." in page_text(response)
    roadmap_obligation.refresh_from_db()
    assert roadmap_obligation.due_on == dt.date(2021, 1, 15)
    assert roadmap_obligation.remind_days == [30, 7, 3]


def test_another_networks_obligation_is_not_found(
    as_coordinator, urls, other_net, other_network_coordinator
):
    theirs = Obligation.objects.create(
        network=other_net, kind=ObligationKind.ROADMAP, title="Theirs", due_on=dt.date(2021, 1, 1)
    )
    for name in ("obligation_edit", "obligation_remove"):
        assert as_coordinator.get(urls(name, theirs.pk)).status_code == 404
        assert as_coordinator.post(urls(name, theirs.pk), ULG).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


HUGE = "9" * 30
YEARS = "Enter a date between 2000 and 2100."

REFUSED = [
    pytest.param({"due_on": "0001-01-01"}, f"Due on: {YEARS}", id="year-1"),
    pytest.param({"due_on": "9999-12-31"}, f"Due on: {YEARS}", id="year-9999"),
    pytest.param({"opens_on": "0001-01-01"}, f"Counts from: {YEARS}", id="opens-year-1"),
    pytest.param({"due_on": "2021-02-30"}, "Due on: Enter a valid date.", id="no-such-day"),
    pytest.param({"title": "x" * 5000}, "Title: Ensure this value has at most 200 characters",
                 id="long-title"),
    pytest.param({"title": ""}, "Title: This field is required.", id="no-title"),
    pytest.param({"title": "ULG\x00meeting"}, "Title: Null characters are not allowed.",
                 id="nul-title"),
    pytest.param({"due_on": "2021\x00-03-31"}, "Due on: Enter a valid date.", id="nul-date"),
    pytest.param({"remind_days": "14\x00, 3"},
                 "Remind (days before the due date): Number 1 of the list: Enter a whole number.",
                 id="nul-reminders"),
    pytest.param({"grace_days": "7\x00"}, "Enter a whole number.", id="nul-number"),
    pytest.param({"kind": "other\x00"}, "What is owed: Select a valid choice.", id="nul-kind"),
    pytest.param({"kind": "homework"}, "What is owed: Select a valid choice.", id="no-such-kind"),
    pytest.param({"grace_days": "-1"}, "greater than or equal to 0", id="negative-grace"),
    pytest.param({"grace_days": HUGE}, "less than or equal to", id="huge-grace"),
    pytest.param({"grace_days": "1" * 5000}, "Enter a whole number.", id="endless-grace"),
    pytest.param({"grace_days": ""}, "This field is required.", id="no-grace"),
    pytest.param({"remind_days": "14, -3"}, "greater than or equal to 0", id="negative-reminder"),
    pytest.param({"remind_days": f"14, {HUGE}"}, "less than or equal to 365", id="huge-reminder"),
    pytest.param({"remind_days": "14, soon"}, "Enter a whole number.", id="word-reminder"),
    pytest.param({"remind_days": "14, 14"}, "Each number of days once, please.", id="twice"),
    pytest.param({"remind_days": "1, 2, 3, 4, 5, 6, 7"}, "no more than 6", id="seven-reminders"),
    pytest.param({"due_on": "", "opens_on": ""},
                 "Give a due date (or, for reviews, the number of days).", id="no-date"),
    pytest.param({"opens_on": "2021-04-01"}, "The due date is before the date it counts from.",
                 id="dates-reversed"),
    pytest.param({"kind": ObligationKind.ROADMAP_REVIEW},
                 "Give a due date (or, for reviews, the number of days).", id="review-no-days"),
    pytest.param({"kind": ObligationKind.ROADMAP_REVIEW, "within_days": "0"},
                 "greater than or equal to 1", id="review-zero-days"),
    pytest.param({"kind": ObligationKind.ROADMAP_REVIEW, "within_days": HUGE},
                 "less than or equal to", id="review-huge-days"),
    pytest.param({"kind": ObligationKind.SSAS_PLANNED, "target": ""},
                 "How many: Say how many Small Scale Actions each city plans.",
                 id="ssas-no-target"),
    pytest.param({"kind": ObligationKind.SSAS_PLANNED, "target": "-2"},
                 "greater than or equal to", id="ssas-negative"),
    pytest.param({"kind": ObligationKind.SSAS_PLANNED, "target": "1000"},
                 "less than or equal to 100", id="ssas-too-many"),
    pytest.param({"kind": ObligationKind.TNM_ATTENDANCE}, "Give the number of the TNM.",
                 id="tnm-no-number"),
    pytest.param({"kind": ObligationKind.TNM_ATTENDANCE, "meeting_number": "6"},
                 "TNM number: The network has no TNM number 6 yet: add the meeting first.",
                 id="tnm-no-such-meeting"),
    pytest.param({"kind": ObligationKind.TNM_ATTENDANCE, "meeting_number": HUGE},
                 "less than or equal to", id="tnm-huge"),
    pytest.param({"kind": ObligationKind.TNM_ATTENDANCE, "meeting_number": "-5"},
                 "greater than or equal to 1", id="tnm-negative"),
]  # fmt: skip


@pytest.mark.parametrize("change, error", REFUSED)
def test_a_refused_obligation_shows_why_and_changes_nothing(
    as_coordinator, urls, roadmap_obligation, change, error
):
    before = list(Obligation.objects.values())
    for url in (urls("obligation_create"), urls("obligation_edit", roadmap_obligation.pk)):
        response = as_coordinator.post(url, {**ULG, **change})
        assert response.status_code == 200
        assert error in errors_of(response)
        assert list(Obligation.objects.values()) == before


def test_a_second_roadmap_obligation_is_refused_on_the_form(
    as_coordinator, urls, roadmap_obligation, review_obligation
):
    for kind in (ObligationKind.ROADMAP, ObligationKind.ROADMAP_REVIEW):
        data = {**ULG, "kind": kind, "within_days": "10"}
        response = as_coordinator.post(urls("obligation_create"), data)
        assert response.status_code == 200
        assert "The network has one obligation of this kind only." in errors_of(response)
    # Turning the review into a second roadmap obligation is refused as well.
    response = as_coordinator.post(
        urls("obligation_edit", review_obligation.pk), {**ULG, "kind": ObligationKind.ROADMAP}
    )
    assert "The network has one obligation of this kind only." in errors_of(response)
    assert Obligation.objects.count() == 2
    review_obligation.refresh_from_db()
    assert review_obligation.kind == ObligationKind.ROADMAP_REVIEW


def test_attendance_of_a_tnm_that_exists_is_accepted(as_coordinator, urls, net, meeting):  # noqa: F811
    data = {**ULG, "kind": ObligationKind.TNM_ATTENDANCE, "title": "Register for TNM 5",
            "meeting_number": str(meeting.number)}  # fmt: skip
    assert as_coordinator.post(urls("obligation_create"), data).status_code == 302
    assert Obligation.objects.get(network=net).meeting_number == 5


# Removing ---------------------------------------------------------------------------------


def test_removing_asks_first_and_the_reminders_sent_stay_in_the_log(
    as_coordinator, urls, city_a, roadmap_obligation, review_obligation
):
    for stage, days in [(ReminderStage.BEFORE, 14), (ReminderStage.BEFORE, 3)]:
        ReminderSent.objects.create(
            obligation=roadmap_obligation, partner=city_a, stage=stage, days_before=days,
            due_on=roadmap_obligation.due_on,
        )  # fmt: skip
    url = urls("obligation_remove", roadmap_obligation.pk)
    page = page_text(as_coordinator.get(url))
    assert "Remove the obligation “IAP roadmaps submitted”?" in page
    assert "Submit the IAP roadmap" in page and "31 Dec 2020" in page
    assert "The 2 reminders sent about it stay in the audit log." in page
    assert Obligation.objects.filter(pk=roadmap_obligation.pk).exists()  # a GET removes nothing

    response = as_coordinator.post(url, follow=True)
    assert response.redirect_chain[-1][0] == urls("obligations")
    assert (
        "The obligation “IAP roadmaps submitted” has been removed; its reminders stay in the log."
        in page_text(response)
    )
    assert list(Obligation.objects.all()) == [review_obligation]
    assert ReminderSent.objects.filter(obligation=None).count() == 2
    log = page_text(as_coordinator.get(urls("reminder_log")))
    assert log.count("IAP roadmaps submitted (removed since)") == 2
    assert log.count("Alphaville") >= 2
    assert "No reminder has been sent about it yet." in page_text(
        as_coordinator.get(urls("obligation_remove", review_obligation.pk))
    )


# The audit log ----------------------------------------------------------------------------


@pytest.fixture
def log(net, city_a, city_b, roadmap_obligation, review_obligation):
    """Three reminders: two about the roadmap (A, then B), one about A's review."""
    rows = []
    for n, (obligation, partner, stage, days) in enumerate([
        (roadmap_obligation, city_a, ReminderStage.BEFORE, 14),
        (roadmap_obligation, city_b, ReminderStage.LATE, 0),
        (review_obligation, city_a, ReminderStage.ESCALATED, 0),
    ]):  # fmt: skip
        row = ReminderSent.objects.create(
            obligation=obligation, partner=partner, stage=stage, days_before=days,
            due_on=dt.date(2020, 12, 31), recipient_names=f"Person {n} <p{n}@example.org>",
        )  # fmt: skip
        sent = timezone.make_aware(dt.datetime(2020, 12, 17 + n, 8, 0), dt.UTC)
        ReminderSent.objects.filter(pk=row.pk).update(sent_at=sent)
        rows.append(row)
    return rows


def rows_of(response) -> list[str]:
    body = response.content.decode()
    return [
        page_text_of(row) for row in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", body, re.S)
    ]


def page_text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_log_lists_each_reminder_newest_first_in_the_viewers_zone(
    client_for, urls, log, lead_expert
):
    lead_expert.time_zone = "Europe/Sofia"
    lead_expert.save()
    rows = rows_of(client_for(lead_expert).get(urls("reminder_log")))
    assert rows == [
        "19 Dec 2020, 10:00 EET Alphaville Roadmaps reviewed Late: told the coordinator "
        "31 Dec 2020 Person 2 <p2@example.org>",
        "18 Dec 2020, 10:00 EET Betatown IAP roadmaps submitted Late: told the one who owes it "
        "31 Dec 2020 Person 1 <p1@example.org>",
        "17 Dec 2020, 10:00 EET Alphaville IAP roadmaps submitted Reminder before the date "
        "14 days before 31 Dec 2020 Person 0 <p0@example.org>",
    ]


def test_the_log_is_filtered_by_city_and_by_obligation(
    as_coordinator, urls, log, roadmap_obligation, review_obligation
):
    url = urls("reminder_log")
    by_city = as_coordinator.get(url, {"city": "alphaville"})
    assert [row.split(" 2020 ")[-1] for row in rows_of(by_city)] == [
        "Person 2 <p2@example.org>",
        "Person 0 <p0@example.org>",
    ]
    assert all("Alphaville" in row for row in rows_of(by_city))
    assert 'value="alphaville" selected' in by_city.content.decode()
    by_obligation = as_coordinator.get(url, {"obligation": roadmap_obligation.pk})
    assert all("IAP roadmaps submitted" in row for row in rows_of(by_obligation))
    assert len(rows_of(by_obligation)) == 2
    both = as_coordinator.get(url, {"city": "alphaville", "obligation": review_obligation.pk})
    assert len(rows_of(both)) == 1 and "Roadmaps reviewed" in rows_of(both)[0]
    nothing = as_coordinator.get(url, {"city": "betatown", "obligation": review_obligation.pk})
    assert rows_of(nothing) == [] and "No reminder matches these filters." in page_text(nothing)
    labels = by_city.content.decode()
    assert '<label class="form-label" for="id_city">City</label>' in labels
    assert '<label class="form-label" for="id_obligation">Obligation</label>' in labels


@pytest.mark.parametrize(
    "query",
    [
        {"city": "nowhere"},
        {"city": "alphaville\x00"},
        {"obligation": "abc"},
        {"obligation": "99999999999999999999999999"},
        {"obligation": "-1"},
        {"obligation": "1\x00"},
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "\x00"},
    ],
    ids=lambda q: repr(q),
)
def test_bad_filters_are_ignored(as_coordinator, urls, log, query):
    response = as_coordinator.get(urls("reminder_log"), query)
    assert response.status_code == 200
    assert len(rows_of(response)) == 3
    filters = response.content.decode().split('id="main"', 1)[1]  # not the header's language
    assert "selected" not in filters.replace('value="" selected', "")


def test_another_networks_obligation_does_not_filter_the_log(as_coordinator, urls, log, other_net):
    theirs = Obligation.objects.create(
        network=other_net, kind=ObligationKind.ROADMAP, title="Theirs", due_on=dt.date(2021, 1, 1)
    )
    response = as_coordinator.get(urls("reminder_log"), {"obligation": theirs.pk})
    assert len(rows_of(response)) == 3 and "Theirs" not in page_text(response)


def test_the_log_is_paged_and_the_pages_keep_the_filter(
    as_coordinator, urls, net, city_a, city_b, roadmap_obligation
):
    for days in range(60):
        ReminderSent.objects.create(
            obligation=roadmap_obligation, partner=city_a, stage=ReminderStage.BEFORE,
            days_before=days, due_on=dt.date(2020, 12, 31),
        )  # fmt: skip
    ReminderSent.objects.create(
        obligation=roadmap_obligation, partner=city_b, stage=ReminderStage.LATE,
        due_on=dt.date(2020, 12, 31),
    )  # fmt: skip
    url = urls("reminder_log")
    first = as_coordinator.get(url, {"city": "alphaville"})
    assert len(rows_of(first)) == 50 and "Page 1 of 2" in page_text(first)
    assert "?city=alphaville&amp;page=2" in first.content.decode()
    second = as_coordinator.get(url, {"city": "alphaville", "page": 2})
    assert len(rows_of(second)) == 10 and "Page 2 of 2" in page_text(second)
    assert "60 reminders sent, newest first." in page_text(second)


# What the pages cost -------------------------------------------------------------------------


def queries_of(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_pages_cost_the_same_few_queries_with_3_or_30_obligations_and_reminders(
    as_coordinator, urls, net, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # build each page
    cost = {}
    for size in (3, 30):
        while Obligation.objects.filter(network=net).count() < size:
            n = Obligation.objects.count()
            obligation = Obligation.objects.create(
                network=net, kind=ObligationKind.ULG_MEETING, title=f"ULG meeting {n}",
                due_on=dt.date(2021, 3, 31),
            )  # fmt: skip
            ReminderSent.objects.create(
                obligation=obligation, partner=PartnerFactory(network=net),
                stage=ReminderStage.BEFORE, days_before=3, due_on=obligation.due_on,
                recipient_names="Someone <someone@example.org>",
            )  # fmt: skip
        pages = [
            urls("obligations"),
            urls("obligation_create"),
            urls("reminder_log"),
            urls("obligation_edit", obligation.pk),
            urls("obligation_remove", obligation.pk),
        ]
        cost[size] = [queries_of(as_coordinator, url) for url in pages]
    assert cost[3] == cost[30]
    assert max(cost[30]) <= 8
