import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from meetings import documents
from meetings.enums import DocumentKind
from meetings.models import Document, Meeting
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def fits_the_screen(page):
    """Nothing to scroll sideways: on a phone the whole page, on a desktop the content."""
    whole = page.viewport_size["width"] < 576
    return page.evaluate(
        "(whole) => (whole ? document.documentElement : document.querySelector('main'))"
        ".scrollWidth <= window.innerWidth",
        whole,
    )


def png(width, height, color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_city_member_shares_a_presentation_finds_it_and_sees_the_meetings_photos(
    live_server, browser, login, transactional_db, settings, tmp_path, screen
):
    settings.MEDIA_ROOT = tmp_path
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    PartnerFactory(network=network, city="Vratsa", slug="vratsa", country="BG")
    member = UserFactory(email="sofia-member@example.org", full_name="Maria Petrova")
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    coordinator = UserFactory(email="coordinator@example.org", full_name="Ana Coordinator")
    MembershipFactory(user=coordinator, network=network, role=Role.COORDINATOR)
    start = dt.datetime(2021, 2, 10, 8, 0, tzinfo=dt.UTC)
    tnm = Meeting.objects.create(
        network=network, number=5, title="State of the art", starts_at=start,
        ends_at=start + dt.timedelta(days=1),
    )  # fmt: skip
    documents.document_add(
        user=coordinator,
        network=network,
        data={"title": "Study visit to the old market", "kind": DocumentKind.PHOTO,
              "meeting": tnm},
        file=SimpleUploadedFile("market.png", png(1200, 900, "orange")),
    )  # fmt: skip

    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "sofia-member@example.org", PASSWORD)
    page.goto(f"{live_server.url}{tnm.get_absolute_url()}")
    photo = page.get_by_role("img", name="Study visit to the old market")
    expect(photo).to_be_visible()
    page.get_by_role("link", name="This meeting's files in the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Document library")
    expect(page.get_by_label("Meeting")).to_have_value("5")

    page.get_by_role("link", name="Add a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a file to the library")
    assert fits_the_screen(page)
    page.get_by_label("Title").fill("Sofia's CSR label")
    page.get_by_label("Type").select_option(label="Presentation")
    page.get_by_label("Tag").fill("good practice")
    page.get_by_label("Meeting").select_option(label="TNM #5: State of the art")
    expect(page.get_by_label("City")).to_have_value(str(sofia.pk))
    page.get_by_label("File").set_input_files(
        files=[{"name": "label.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "“Sofia's CSR label” has been added to the library."
    )
    document = Document.objects.get(title="Sofia's CSR label")
    assert (document.kind, document.tag, document.partner, document.meeting) == (
        DocumentKind.PRESENTATION, "good practice", sofia, tnm,
    )  # fmt: skip

    page.get_by_label("Type").select_option(label="Presentation")
    page.get_by_label("Tag").select_option(label="good practice")
    page.get_by_role("button", name="Show").click()
    main = page.get_by_role("main")
    expect(main.get_by_text("1 file", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Sofia's CSR label", exact=True)).to_be_visible()
    expect(main.get_by_role("img")).to_have_count(0)
    assert fits_the_screen(page)

    page.get_by_label("Type").select_option(label="Photo")
    page.get_by_label("Tag").select_option(label="All tags")
    page.get_by_role("button", name="Show").click()
    thumbnail = main.get_by_role("img", name="Study visit to the old market")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    expect(main.get_by_role("link", name="Sofia's CSR label", exact=True)).to_have_count(0)
    assert fits_the_screen(page)
