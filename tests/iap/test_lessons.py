"""What a Small Scale Action achieved and taught: the city's team records what was done and
the results against its indicators, writes down its lessons, and turns a lesson into an
action of its IAP in one step, the two linked both ways."""

import pytest
from django.urls import reverse

from iap import lessons
from iap.models import PlanAction, SmallScaleAction, SsaLesson
from reviews.enums import ReviewState
from tests.permissions import check

LESSON = (
    "Companies join when a neighbourhood association asks them. The city's letter alone "
    "brought two."
)

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
OUTSIDE = {"anonymous", "outsider", "other_network_coordinator"}
TEAM_A = {"city_member_a", "city_coordinator_a"}
SEES_A = TEAM_A | {"coordinator", "lead_partner", "lead_expert", "officer"}


@pytest.fixture
def ssa(city_a):
    ssa = SmallScaleAction.objects.create(
        partner=city_a, title="Company volunteering day", status="running"
    )
    ssa.indicators.create(name="Companies taking part", target="10")
    ssa.indicators.create(name="Employees volunteering", target="60")
    return ssa


@pytest.fixture
def lesson(ssa):
    return SsaLesson.objects.create(ssa=ssa, text=LESSON)


def address(name, ssa, *extra, city=None):
    partner = city or ssa.partner
    return reverse(f"iap:{name}", args=[partner.network.slug, partner.slug, ssa.pk, *extra])


def ssa_post(ssa, rows, *, kept=None, version=None, **fields):
    """What the SSA's form sends: its fields, then one row per indicator (name, target,
    result, ticked for removal); `kept` rows were shown filled in (initial)."""
    data = {
        "title": ssa.title,
        "status": ssa.status,
        "version": ssa.version if version is None else version,
        "done": ssa.done,
        "results": ssa.results,
        "indicators-TOTAL_FORMS": len(rows),
        "indicators-INITIAL_FORMS": len(rows) if kept is None else kept,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 30,
        **fields,
    }
    for n, (name, target, result, *remove) in enumerate(rows):
        data |= {
            f"indicators-{n}-name": name,
            f"indicators-{n}-target": target,
            f"indicators-{n}-result": result,
        }
        if remove:
            data[f"indicators-{n}-DELETE"] = "on"
    return data


def indicators_of(ssa):
    return list(ssa.indicators.order_by("pk").values_list("name", "target", "result"))


# Results against the indicators ------------------------------------------------------------


def test_the_city_team_records_what_was_done_and_the_results_against_the_indicators(
    client_for, ssa, city_member_a
):
    client = client_for(city_member_a)
    form = client.get(address("ssa_edit", ssa)).content.decode()
    assert 'value="Companies taking part"' in form and "Remove this indicator" in form
    response = client.post(
        address("ssa_edit", ssa),
        ssa_post(
            ssa,
            [
                ("Companies taking part", "10", "12"),
                ("Employees volunteering", "60", "48", "remove"),
                ("Neighbourhood projects finished", "3", "3"),
                ("", "", ""),  # an empty row is left out
            ],
            kept=2,
            status="evaluated",
            done="Twelve companies lent 48 employees for a day.",
            results="Nine companies will come again.",
        ),
    )
    assert response.status_code == 302
    ssa.refresh_from_db()
    assert ssa.status == "evaluated" and ssa.done.startswith("Twelve companies")
    assert indicators_of(ssa) == [
        ("Companies taking part", "10", "12"),
        ("Neighbourhood projects finished", "3", "3"),
    ]
    page = client.get(ssa.get_absolute_url()).content.decode()
    assert "Results against the indicators" in page
    assert "Neighbourhood projects finished" in page and "Employees volunteering" not in page
    assert "Twelve companies lent 48 employees for a day." in page


def test_a_save_that_sends_no_indicator_rows_leaves_them_as_they_are(
    client_for, ssa, city_member_a
):
    data = {"title": ssa.title, "status": ssa.status, "version": ssa.version, "results": "Done"}
    assert client_for(city_member_a).post(address("ssa_edit", ssa), data).status_code == 302
    ssa.refresh_from_db()
    assert ssa.results == "Done" and len(indicators_of(ssa)) == 2


def test_an_indicator_without_a_name_is_a_form_error(client_for, ssa, city_member_a):
    response = client_for(city_member_a).post(
        address("ssa_edit", ssa), ssa_post(ssa, [("", "10", "12")], kept=0, results="Good")
    )
    assert response.status_code == 200
    assert "Give the indicator a name, or empty its row." in response.content.decode()
    ssa.refresh_from_db()
    assert ssa.results == "" and len(indicators_of(ssa)) == 2


def test_a_stale_save_is_refused_and_the_persons_rows_are_kept(
    client_for, ssa, city_member_a, city_coordinator_a
):
    opened_at = ssa.version
    first = client_for(city_coordinator_a).post(
        address("ssa_edit", ssa),
        ssa_post(ssa, [("Companies taking part", "10", "11")], kept=1, results="First"),
    )
    assert first.status_code == 302
    response = client_for(city_member_a).post(
        address("ssa_edit", ssa),
        ssa_post(ssa, [("Companies taking part", "10", "99")], version=opened_at, results="Second"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this" in page
    assert "Companies taking part: target 10, result 11" in page  # what is saved now
    assert 'value="99"' in page  # the person's input, still in the form
    ssa.refresh_from_db()
    assert ssa.results == "First" and indicators_of(ssa) == [("Companies taking part", "10", "11")]


# Lessons -----------------------------------------------------------------------------------


def test_the_city_team_adds_changes_and_removes_a_lesson(client_for, ssa, city_member_a):
    client = client_for(city_member_a)
    response = client.post(address("lesson_create", ssa), {"text": LESSON})
    lesson = ssa.lesson_items.get()
    assert response["Location"] == f"{ssa.get_absolute_url()}#lesson-{lesson.pk}"
    assert LESSON[:40] in client.get(ssa.get_absolute_url()).content.decode()

    client.post(address("lesson_edit", ssa, lesson.pk), {"text": "Ask the associations."})
    lesson.refresh_from_db()
    assert lesson.text == "Ask the associations."

    confirm = client.get(address("lesson_remove", ssa, lesson.pk)).content.decode()
    assert "Remove this lesson?" in confirm and "Ask the associations." in confirm
    assert ssa.lesson_items.exists()  # asking changes nothing
    response = client.post(address("lesson_remove", ssa, lesson.pk))
    assert response.status_code == 302 and not ssa.lesson_items.exists()


@pytest.mark.parametrize(
    "name, data, error",
    [
        ("lesson_create", {"text": "a\x00b"}, "Null characters are not allowed."),
        ("lesson_create", {"text": "x" * 5000}, "at most 2000 characters"),
        ("lesson_create", {"text": "   "}, "This field is required."),
        ("ssa_edit", None, "at most 200 characters"),
        (
            "lesson_to_action",
            {"title": "Ask", "ends_on": "9999-12-31"},
            "Enter a date between 2000 and 2100",
        ),
        ("lesson_to_action", {"title": "x" * 5000}, "at most 300 characters"),
        ("lesson_to_action", {"title": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_hostile_input_is_a_form_error(client_for, ssa, lesson, city_member_a, name, data, error):
    """A NUL byte, 5,000 characters or the year 9999 are said so in the form, and change
    nothing."""
    if name == "ssa_edit":
        url, data = address(name, ssa), ssa_post(ssa, [("x" * 5000, "", "")], kept=0)
    elif name == "lesson_to_action":
        url = address(name, ssa, lesson.pk)
    else:
        url = address(name, ssa)
    response = client_for(city_member_a).post(url, data)
    assert response.status_code == 200, response.status_code
    assert error in response.content.decode()
    assert ssa.lesson_items.count() == 1 and not PlanAction.objects.exists()
    assert len(indicators_of(ssa)) == 2


# From a lesson to an IAP action ------------------------------------------------------------


def test_turning_a_lesson_into_an_action_fills_in_the_form_and_links_both_ways(
    client_for, ssa, lesson, city_member_a
):
    client = client_for(city_member_a)
    detail = client.get(ssa.get_absolute_url()).content.decode()
    to_action = address("lesson_to_action", ssa, lesson.pk)
    assert to_action in detail and "Turn into an IAP action" in detail

    form = client.get(to_action).context["form"]
    assert form.initial["title"] == "Companies join when a neighbourhood association asks them."
    assert form.initial["objective"] == (
        "Learnt from the Small Scale Action “Company volunteering day”"
    )
    assert form.initial["responsible_body"] == ""
    assert form.initial["indicators_text"] == (
        "Companies taking part |  | 10\nEmployees volunteering |  | 60"
    )

    response = client.post(
        to_action,
        {
            "title": "Neighbourhood associations invite companies",
            "objective": form.initial["objective"],
            "responsible_body": "Economic development office",
            "indicators_text": "Companies taking part | 12 | 30",
        },
    )
    assert response["Location"] == f"{ssa.get_absolute_url()}#lesson-{lesson.pk}"
    action = PlanAction.objects.get()
    lesson.refresh_from_db()
    assert lesson.action == action and action.plan == ssa.partner.action_plan
    assert [(i.name, i.baseline, i.target) for i in action.indicators.all()] == [
        ("Companies taking part", "12", "30")
    ]

    detail = client.get(response["Location"]).content.decode()
    assert (
        "The lesson has become the IAP action “Neighbourhood associations invite companies”."
        in detail
    )
    plan_url = ssa.partner.action_plan.get_absolute_url()
    assert (
        f'Became the IAP action “<a href="{plan_url}#action-{action.pk}">'
        "Neighbourhood associations invite companies</a>”." in detail
    )
    assert to_action not in detail  # no second action from the same lesson

    source = (
        f'From the lesson of the Small Scale Action “<a href="{ssa.get_absolute_url()}">'
        "Company volunteering day</a>”"
    )
    assert source in client.get(plan_url).content.decode()
    edit = reverse("iap:action_edit", args=[ssa.partner.network.slug, ssa.partner.slug, action.pk])
    assert source in client.get(edit).content.decode()

    again = client.post(to_action, {"title": "Twice"})
    assert "This lesson has already become the IAP action" in again.content.decode()
    assert PlanAction.objects.count() == 1


def test_a_lesson_of_another_city_is_not_there(client_for, ssa, lesson, city_b, city_member_b):
    client = client_for(city_member_b)
    for name in ("lesson_edit", "lesson_remove", "lesson_to_action"):
        assert client.get(address(name, ssa, lesson.pk)).status_code == 404, name
        assert client.post(address(name, ssa, lesson.pk), {"text": "x"}).status_code == 404
        # ... nor under one's own city's address
        assert client.get(address(name, ssa, lesson.pk, city=city_b)).status_code == 404
    assert SsaLesson.objects.get() == lesson and lesson.text == LESSON
    assert not PlanAction.objects.exists()


POSTS = [
    ("lesson_create", False, {"text": "Another lesson"}),
    ("lesson_edit", True, {"text": "Changed"}),
    ("lesson_remove", True, {}),
    ("lesson_to_action", True, {"title": "Ask the associations"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, of_lesson, data", POSTS, ids=[p[0] for p in POSTS])
def test_only_the_citys_team_changes_its_lessons(
    request, client_for, ssa, lesson, name, of_lesson, data, role
):
    """Reviewers, the programme officer and the coordinator read the lessons; only the
    city's team writes them and turns them into actions."""
    user = None if role == "anonymous" else request.getfixturevalue(role)
    url = address(name, ssa, lesson.pk) if of_lesson else address(name, ssa)
    response = client_for(user).post(url, data)
    if role in TEAM_A:
        assert response.status_code == 302, role
        return
    if role == "anonymous":
        check(response, "login", role)
    else:
        check(response, 404 if role in OUTSIDE or role not in SEES_A else 403, role)
    assert list(SsaLesson.objects.values_list("text", "action")) == [(LESSON, None)]
    assert not PlanAction.objects.exists()


@pytest.mark.parametrize(
    "state, why",
    [
        (ReviewState.SUBMITTED, "The IAP has been submitted and waits for its review"),
        (ReviewState.IN_REVIEW, "The IAP is in review"),
        (ReviewState.APPROVED, "The IAP is approved"),
    ],
)
def test_a_lesson_cannot_become_an_action_of_a_plan_that_is_not_open(
    client_for, ssa, lesson, city_member_a, state, why
):
    plan = ssa.partner.action_plan
    type(plan).objects.filter(pk=plan.pk).update(state=state)
    client = client_for(city_member_a)
    detail = client.get(ssa.get_absolute_url()).content.decode()
    assert why in detail and "Turn into an IAP action" not in detail
    for response in (
        client.get(address("lesson_to_action", ssa, lesson.pk)),
        client.post(address("lesson_to_action", ssa, lesson.pk), {"title": "Ask them"}),
    ):
        assert response.status_code == 403 and why in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.action is None and not PlanAction.objects.exists()


def test_the_suggested_action_fits_its_fields(ssa):
    """A lesson of one long line is cut to the title's length; a long SSA title is
    shortened inside the objective's sentence; no indicators, no lines."""
    ssa.title = "T" * 300
    ssa.indicators.all().delete()
    initial = lessons.action_initial(SsaLesson(ssa=ssa, text="word " * 200))
    assert len(initial["title"]) == 300 and initial["title"].endswith("…")
    assert len(initial["objective"]) <= 300
    assert initial["objective"].startswith("Learnt from the Small Scale Action “TTT")
    assert initial["objective"].endswith("…”") and initial["indicators_text"] == ""
    two_lines = lessons.action_initial(SsaLesson(ssa=ssa, text="Ask first\nThen act."))
    assert two_lines["title"] == "Ask first"
