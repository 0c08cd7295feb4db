import datetime as dt
from pathlib import Path

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from meetings.models import Attendance, Meeting
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory


def test_city_member_opens_the_next_meeting_registers_and_downloads_the_ics(
    live_server, page, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    member = UserFactory(
        email="sofia-member@example.org", full_name="Maria Petrova", time_zone="Europe/Sofia"
    )
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    starts = (timezone.now() + dt.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    Meeting.objects.create(
        network=network, number=6, title="Planning Actions", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4), online_link="https://meet.example.org/tnm6",
    )  # fmt: skip

    login(page, "sofia-member@example.org", PASSWORD)
    page.get_by_role("link", name="TNM #6: Planning Actions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Transnational meeting #6")
    expect(page.get_by_role("link", name="Join online")).to_be_visible()

    page.get_by_role("link", name="Register attendance").click()
    page.get_by_label("Maria Petrova").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Attendance for Sofia saved.")).to_be_visible()
    expect(page.get_by_text("Registered from your city: Maria Petrova")).to_be_visible()
    assert Attendance.objects.filter(user=member, partner=sofia).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == starts
    assert str(event["summary"]) == "TNM #6: Planning Actions"
