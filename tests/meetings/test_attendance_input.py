"""The attendance page answers any `?city=` with a page or a 404, never a server error."""

import pytest
from django.urls import reverse

from meetings.models import Attendance


@pytest.mark.parametrize("city", ["%00", "alpha%00ville", "x" * 5000, "%C3%A9t%C3%A9", "%FF"])
def test_attendance_page_answers_a_strange_city_with_not_found(
    client_for, net, meeting, city_coordinator_a, city
):
    url = reverse("meetings:attendance", args=[net.slug, meeting.number])
    client = client_for(city_coordinator_a)

    assert client.get(f"{url}?city={city}").status_code == 404
    assert client.post(f"{url}?city={city}", {"people": []}).status_code == 404
    assert not Attendance.objects.exists()


def test_attendance_page_still_opens_for_the_persons_own_city(
    client_for, net, meeting, city_a, city_coordinator_a
):
    url = reverse("meetings:attendance", args=[net.slug, meeting.number])

    response = client_for(city_coordinator_a).get(f"{url}?city={city_a.slug}")

    assert response.status_code == 200 and response.context["city"] == city_a
