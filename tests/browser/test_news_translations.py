"""The coordinator translates a published article into Italian; a visitor finds it under
"Also in"; the coordinator then corrects the original and sees the translation flagged as
out of date until it is saved again. On a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, UserFactory
from tests.news.conftest import ArticleFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
OUT_OF_DATE = re.compile(r"Out of date: the original changed on .+, after this translation")


def fits_the_screen(page):
    """Nothing to scroll sideways on a phone; on a desktop, in the content."""
    whole = page.viewport_size["width"] < 576
    return page.evaluate(
        "(whole) => (whole ? document.documentElement : document.querySelector('main'))"
        ".scrollWidth <= window.innerWidth",
        whole,
    )


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_translation_is_offered_to_readers_and_flagged_when_the_original_changes(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    person = UserFactory(email="coordinator@example.org", full_name="Chiara Rossi")
    MembershipFactory(user=person, network=network, role=Role.COORDINATOR)
    article = ArticleFactory(
        network=network, author=person, title="Roadmaps are in", slug="roadmaps-are-in"
    )

    editor = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(editor, "coordinator@example.org", PASSWORD)
    editor.goto(f"{live_server.url}/n/cities4csr/news/{article.pk}/preview/")
    main = editor.get_by_role("main")
    main.get_by_role("link", name="Add a translation").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Translate “Roadmaps are in”")
    main.get_by_label("Language").select_option(label="Italian")
    main.get_by_label("Title").fill("Le roadmap sono arrivate")
    main.get_by_label("Body").fill("Tutte le città hanno **consegnato** la roadmap.")
    assert fits_the_screen(editor)
    editor.get_by_role("button", name="Save the translation").click()
    expect(editor.get_by_text("The translation is saved.")).to_be_visible()
    expect(main.get_by_role("heading", name="Translations")).to_be_visible()
    expect(main.get_by_text(OUT_OF_DATE)).to_have_count(0)

    visitor = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    visitor.goto(f"{live_server.url}/news/cities4csr/roadmaps-are-in/")
    languages = visitor.get_by_role("navigation", name="This article in other languages")
    languages.get_by_role("link", name="Italiano").click()
    expect(visitor).to_have_url(re.compile(r"/news/cities4csr/roadmaps-are-in/it/$"))
    expect(visitor.locator("article")).to_have_attribute("lang", "it")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Le roadmap sono arrivate")
    expect(visitor.locator("strong", has_text="consegnato")).to_be_visible()
    assert fits_the_screen(visitor)
    visitor.get_by_role("link", name="Read the original").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Roadmaps are in")

    main.get_by_role("link", name="Edit", exact=True).click()
    main.get_by_label("Body").fill("All ten cities submitted their roadmaps in December.")
    editor.get_by_role("button", name="Save and preview").click()
    expect(main.get_by_text("One translation is out of date.")).to_be_visible()
    expect(main.get_by_text(OUT_OF_DATE)).to_be_visible()
    editor.goto(f"{live_server.url}/n/cities4csr/news/")  # the editors' list
    expect(main.get_by_text(OUT_OF_DATE)).to_be_visible()
    assert fits_the_screen(editor)

    main.get_by_role("link", name="Italian").click()
    expect(main.get_by_text(OUT_OF_DATE)).to_be_visible()
    main.get_by_label("Body").fill("Tutte e dieci le città hanno consegnato a dicembre.")
    editor.get_by_role("button", name="Save the translation").click()
    expect(editor.get_by_text("The translation is saved.")).to_be_visible()
    expect(main.get_by_text(OUT_OF_DATE)).to_have_count(0)
