"""A city puts its roadmap's steps in order with "Move up" and "Move down": one place at a
time, positions 1, 2, 3… without gaps, only while the roadmap is editable, only its own."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iap import services
from iap.step_order import step_move


def text_of(response) -> str:
    """What a reader sees of the page: its text, without the tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def order(roadmap) -> list[str]:
    return list(roadmap.steps.order_by("position", "pk").values_list("title", flat=True))


def positions(roadmap) -> list[int]:
    return list(roadmap.steps.order_by("position", "pk").values_list("position", flat=True))


def move_url(net, step, city="alphaville"):
    return reverse("iap:step_move", args=[net.slug, city, step.pk])


@pytest.fixture
def late_addition(roadmap_a):
    """A step added last whose dates put it first: the one a city moves up."""
    return roadmap_a.steps.create(
        position=3, title="Map local companies", due_on=dt.date(2020, 10, 15)
    )


def test_a_city_member_moves_a_step_up_then_down(
    client_for, net, roadmap_a, late_addition, city_member_a
):
    client = client_for(city_member_a)
    response = client.post(move_url(net, late_addition), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/roadmap/#step-{late_addition.pk}")
    assert order(roadmap_a) == ["Set up the ULG", "Map local companies", "Agree objectives"]
    assert "“Map local companies” moved up." in text_of(client.get(response["Location"]))

    client.post(move_url(net, late_addition), {"direction": "up"})
    assert order(roadmap_a) == ["Map local companies", "Set up the ULG", "Agree objectives"]
    assert positions(roadmap_a) == [1, 2, 3]

    response = client.post(move_url(net, late_addition), {"direction": "down"}, follow=True)
    assert "“Map local companies” moved down." in text_of(response)
    assert order(roadmap_a) == ["Set up the ULG", "Map local companies", "Agree objectives"]


def test_at_either_end_nothing_moves_and_the_city_is_told_why(
    client_for, net, roadmap_a, late_addition, city_coordinator_a
):
    first = roadmap_a.steps.get(title="Set up the ULG")
    client = client_for(city_coordinator_a)
    response = client.post(move_url(net, first), {"direction": "up"}, follow=True)
    assert "“Set up the ULG” is already the first step." in text_of(response)
    response = client.post(move_url(net, late_addition), {"direction": "down"}, follow=True)
    assert "“Map local companies” is already the last step." in text_of(response)
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives", "Map local companies"]


def test_positions_are_numbered_again_without_gaps_or_twins(
    net, roadmap_a, late_addition, city_member_a
):
    """A removal leaves a gap and two steps may share a position (added at once): the
    next move numbers every step anew, in the order the page showed."""
    services.step_delete(user=city_member_a, step=roadmap_a.steps.get(title="Agree objectives"))
    twin = roadmap_a.steps.create(position=3, title="Write the action table")
    assert positions(roadmap_a) == [1, 3, 3]
    assert step_move(user=city_member_a, step=twin, direction="up") is True
    assert order(roadmap_a) == ["Set up the ULG", "Write the action table", "Map local companies"]
    assert positions(roadmap_a) == [1, 2, 3]


def test_an_unknown_direction_is_400_and_moves_nothing(
    client_for, net, roadmap_a, late_addition, city_member_a
):
    client = client_for(city_member_a)
    for data in ({"direction": "sideways"}, {"direction": "UP"}, {"direction": "up\x00"}, {}):
        assert client.post(move_url(net, late_addition), data).status_code == 400, data
    assert client.get(move_url(net, late_addition)).status_code == 405
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives", "Map local companies"]
    with pytest.raises(ValidationError):
        step_move(user=city_member_a, step=late_addition, direction="left")


@pytest.mark.parametrize("role, status", [("city_member_b", 404), ("lead_expert", 403)])
def test_another_citys_team_and_the_reviewer_cannot_move_a_step(
    request, client_for, net, roadmap_a, late_addition, role, status
):
    client = client_for(request.getfixturevalue(role))
    assert client.post(move_url(net, late_addition), {"direction": "up"}).status_code == status
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives", "Map local companies"]


def test_the_service_asks_the_rule_too(roadmap_a, late_addition, lead_expert, city_member_b):
    for person in (lead_expert, city_member_b):
        with pytest.raises(PermissionDenied):
            step_move(user=person, step=late_addition, direction="up")
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives", "Map local companies"]


def test_a_step_of_another_roadmap_or_one_removed_meanwhile_is_404(
    client_for, net, roadmap_a, roadmap_b, late_addition, city_member_a, city_member_b
):
    client = client_for(city_member_a)
    foreign = roadmap_b.steps.get()
    assert client.post(move_url(net, foreign), {"direction": "up"}).status_code == 404
    under_b = move_url(net, late_addition, city="betatown")  # city A's step, city B's address
    assert client_for(city_member_b).post(under_b, {"direction": "up"}).status_code == 404
    removed = move_url(net, late_addition)
    services.step_delete(user=city_member_a, step=late_addition)
    assert client.post(removed, {"direction": "up"}).status_code == 404
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives"]


def test_no_step_moves_while_the_roadmap_is_under_review(
    client_for, net, roadmap_a, late_addition, in_state, city_member_a
):
    in_state(roadmap_a, "in_review")
    client = client_for(city_member_a)
    assert client.post(move_url(net, late_addition), {"direction": "up"}).status_code == 403
    assert "Move up" not in text_of(client.get(roadmap_a.get_absolute_url()))
    assert order(roadmap_a) == ["Set up the ULG", "Agree objectives", "Map local companies"]


def test_the_buttons_name_their_step_and_are_absent_at_the_ends(
    client_for, roadmap_a, late_addition, city_member_a, lead_expert
):
    text = text_of(client_for(city_member_a).get(roadmap_a.get_absolute_url()))
    assert "Move down Set up the ULG" in text and "Move up Set up the ULG" not in text
    assert "Move up Agree objectives" in text and "Move down Agree objectives" in text
    assert "Move up Map local companies" in text and "Move down Map local companies" not in text
    assert "Move up" not in text_of(client_for(lead_expert).get(roadmap_a.get_absolute_url()))


def test_a_step_form_opened_before_a_move_still_saves_and_keeps_the_new_place(
    client_for, net, roadmap_a, late_addition, city_member_a, city_coordinator_a
):
    """A move changes no field of the step's form, so an edit opened before it is taken."""
    opened = {
        "title": "Map local companies and their CSR practice", "description": "", "owner": "",
        "starts_on": "", "due_on": "2020-10-15", "status": "not_started",
        "version": late_addition.version,
    }  # fmt: skip
    step_move(user=city_member_a, step=late_addition, direction="up")
    edit = reverse("iap:step_edit", args=[net.slug, "alphaville", late_addition.pk])
    assert client_for(city_coordinator_a).post(edit, opened).status_code == 302
    assert order(roadmap_a) == [
        "Set up the ULG", "Map local companies and their CSR practice", "Agree objectives",
    ]  # fmt: skip
