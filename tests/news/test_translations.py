"""An article in several languages: its editors translate it, the public reads the
translations, and a translation whose original changed after it was saved is flagged as
out of date to the editors until someone saves it again from the new original."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from news import demo_translations
from news.enums import ArticleStatus
from news.models import ArticleTranslation
from tests.fuzz import FAMILIES, browser_data
from tests.news.test_permissions import EDITORS, EVERYONE, check, expected_for_editor_page

COVERED_URL_NAMES = {
    "news:article_in", "news:translation_create", "news:translation_edit",
    "news:translation_remove",
}  # fmt: skip

OUT_OF_DATE = "Out of date: the original changed on"
EARLIER = "It was translated from an earlier version of the original, which has changed since."
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def translate(article, language, *, title, body="Testo.", source_edited_at=None, **extra):
    return ArticleTranslation.objects.create(
        article=article,
        language=language,
        title=title,
        body=body,
        source_edited_at=source_edited_at or article.edited_at,
        **extra,
    )


@pytest.fixture
def italian(published):
    return translate(published, "it", title="Roadmap consegnate", body="Le città **hanno**.")


@pytest.fixture
def french(published):
    return translate(published, "fr", title="Feuilles de route remises", body="Les villes.")


def form_data(client, url) -> dict:
    """What the form at `url` sends as it stands (its hidden fields included), as a browser
    reads it from the page (which may come from the page cache)."""
    page = client.get(url)
    assert page.status_code == 200
    return browser_data(page.content.decode(), ["title", "body"])


def edit_original(client, article, **changes):
    article.refresh_from_db()
    data = {
        "version": article.version,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "byline_role": article.byline_role,
        **changes,
    }
    response = client.post(reverse("news:edit", args=[article.network.slug, article.pk]), data)
    assert response.status_code == 302


def urls(net, article):
    return {
        "create": reverse("news:translation_create", args=[net.slug, article.pk]),
        "edit": reverse("news:translation_edit", args=[net.slug, article.pk, "it"]),
        "remove": reverse("news:translation_remove", args=[net.slug, article.pk, "it"]),
        "preview": reverse("news:preview", args=[net.slug, article.pk]),
    }


# Editors write, correct and remove translations -----------------------------------------


@pytest.mark.parametrize("editor", sorted(EDITORS))
def test_an_editor_adds_corrects_and_removes_a_translation(
    request, client_for, net, published, editor
):
    person = request.getfixturevalue(editor)
    client, url = client_for(person), urls(net, published)

    page = client.get(url["create"]).content.decode()
    assert '<option value="en">' not in page  # the original's own language is not offered
    assert "Roadmaps submitted" in page  # the original, beside the form
    data = {**form_data(client, url["create"]), "language": "it", "title": "Roadmap consegnate"}
    response = client.post(url["create"], {**data, "body": "Le città **hanno** consegnato."})
    assert response["Location"] == url["preview"]
    translation = published.translations.get()
    assert (translation.language, translation.translator) == ("it", person)
    assert translation.source_edited_at == published.edited_at and not translation.is_stale

    preview = client.get(url["preview"]).content.decode()
    assert "Roadmap consegnate" in preview and "Edit the translation into Italian" in preview
    assert "Italian" in client.get(reverse("news:manage", args=[net.slug])).content.decode()

    data = form_data(client, url["edit"])
    assert "language" not in data  # chosen once
    client.post(url["edit"], {**data, "title": "Tutte le roadmap consegnate"})
    translation.refresh_from_db()
    assert translation.title == "Tutte le roadmap consegnate"

    confirm = client.get(url["remove"]).content.decode()
    assert "Remove the translation into Italian?" in confirm
    assert client.post(url["remove"])["Location"] == url["preview"]
    assert not published.translations.exists()
    assert client.get(url["edit"]).status_code == 404


def test_a_language_is_translated_once_and_never_into_the_originals(
    client_for, net, coordinator, published, italian
):
    client, url = client_for(coordinator), urls(net, published)
    for language in ("it", "en"):
        response = client.post(url["create"], {"language": language, "title": "T", "body": "B"})
        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
    assert list(published.translations.values_list("language", flat=True)) == ["it"]


def test_two_editors_on_one_translation_the_second_save_is_refused(
    client_for, net, coordinator, communication_officer, published, italian
):
    url = urls(net, published)["edit"]
    first, second = client_for(coordinator), client_for(communication_officer)
    loaded_first, loaded_second = form_data(first, url), form_data(second, url)
    assert first.post(url, {**loaded_first, "title": "Prima"}).status_code == 302
    response = second.post(url, {**loaded_second, "title": "Seconda"})
    page = response.content.decode()
    assert "Someone else saved this translation in the meantime." in page
    assert "<dt>Title</dt><dd>Prima</dd>" in page and 'value="Seconda"' in page
    italian.refresh_from_db()
    assert italian.title == "Prima"
    resent = {**loaded_second, "loaded_at": italian.updated_at.isoformat(), "title": "Seconda"}
    assert second.post(url, resent).status_code == 302  # after comparing, saved


NESTED = "".join("  " * level + "- x\n" for level in range(1000))
BY_NAME = {family.name: family.value for family in FAMILIES}


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("title", "a\x00b", "Null characters are not allowed."),
        ("title", "x" * 5000, "Ensure this value has at most 200 characters"),
        ("summary", "x" * 5000, "Ensure this value has at most 600 characters"),
        ("body", "a\x00b", "Null characters are not allowed."),
        ("body", NESTED, "Lists and quotes nest too deeply here"),
        ("body", BY_NAME["nested_quotes"], "Lists and quotes nest too deeply here"),
    ],
)
def test_hostile_text_is_refused_with_a_form_error(
    client_for, net, coordinator, published, italian, field, value, error
):
    client, url = client_for(coordinator), urls(net, published)
    new = {"language": "fr", "title": "Titre", "body": "Texte.", field: value}
    response = client.post(url["create"], new)
    assert response.status_code == 200 and error in response.content.decode()
    assert not published.translations.filter(language="fr").exists()

    data = {**form_data(client, url["edit"]), field: value}
    response = client.post(url["edit"], data)
    assert response.status_code == 200 and error in response.content.decode()
    italian.refresh_from_db()
    assert italian.title == "Roadmap consegnate" and italian.body == "Le città **hanno**."


def test_the_body_is_sanitised_like_the_articles(client, net, coordinator, published):
    bad = "Ciao **città**.\n\n<script>alert('x')</script>\n[link](javascript:alert('x'))"
    translate(published, "it", title="Ciao", body=bad)
    page = client.get(published.url_in("it")).content.decode()
    body = page.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert "<strong>città</strong>" in body
    assert "<script" not in body and "javascript:" not in body


# Who may do it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_translation_pages_are_for_the_articles_editors(
    request, client_for, role, net, published, draft, italian
):
    client = client_for(request.getfixturevalue(role))
    translate(draft, "it", title="Bozza")
    for article, state in ((published, "published"), (draft, "draft")):
        for name, url in urls(net, article).items():
            if name != "preview":
                check(client.get(url), expected_for_editor_page(role, state))


@pytest.mark.parametrize("role", EVERYONE)
def test_only_editors_can_write_or_remove_translations(
    request, client_for, role, net, published, italian
):
    client, url = client_for(request.getfixturevalue(role)), urls(net, published)
    responses = [
        client.post(url["create"], {"language": "fr", "title": "Titre", "body": "Texte."}),
        client.post(url["edit"], {"title": "Cambiato", "body": "Cambiato."}),
        client.post(url["remove"]),
    ]
    languages = set(published.translations.values_list("language", flat=True))
    if role in EDITORS:
        assert [r.status_code for r in responses[::2]] == [302, 302]
        assert languages == {"fr"}
    else:
        for response in responses:
            check(response, expected_for_editor_page(role, "published"))
        italian.refresh_from_db()
        assert languages == {"it"} and italian.title == "Roadmap consegnate"


def test_another_networks_editor_cannot_reach_this_networks_translations(
    client_for, other_network_coordinator, other_net, published, italian
):
    client = client_for(other_network_coordinator)
    for name in ("news:translation_edit", "news:translation_remove"):
        url = reverse(name, args=[other_net.slug, published.pk, "it"])
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "x", "body": "x"}).status_code == 404
    italian.refresh_from_db()
    assert italian.title == "Roadmap consegnate"


# What the public reads ---------------------------------------------------------------------


def test_the_article_page_offers_its_translations_in_their_own_names(
    client, net, published, italian, french
):
    page = client.get(published.get_absolute_url()).content.decode()  # once, into the cache
    assert '<article lang="en">' in page and "Also in:" in page
    for language, name in (("it", "Italiano"), ("fr", "Français")):
        href = reverse("news:article_in", args=[net.slug, published.slug, language])
        assert f'<a href="{href}" hreflang="{language}" lang="{language}">{name}</a>' in page
        assert (
            f'<link rel="alternate" hreflang="{language}" href="http://testserver{href}">' in page
        )

    page = client.get(published.url_in("it")).content.decode()
    assert '<article lang="it">' in page
    assert re.search(r"<h1>\s*Roadmap consegnate\s*</h1>", page)
    assert "<strong>hanno</strong>" in page
    assert "A translation: the article was written in English." in page
    original = reverse("news:article_in", args=[net.slug, published.slug, "en"])
    assert f'<a href="{original}" hreflang="en">Read the original</a>' in page
    assert 'hreflang="en" lang="en">English</a> (the original)' in page
    assert f'<link rel="canonical" href="http://testserver{published.url_in("it")}">' in page
    assert EARLIER not in page

    page = client.get(original).content.decode()
    assert '<article lang="en">' in page and "Roadmaps submitted" in page


def test_the_readers_language_picks_the_translation_at_the_articles_own_address(
    client, published, italian
):
    url = published.get_absolute_url()
    page = client.get(url, headers={"accept-language": "it"}).content.decode()
    assert '<article lang="it">' in page and "Roadmap consegnate" in page
    page = client.get(url, headers={"accept-language": "hu"}).content.decode()
    assert '<article lang="en">' in page and "Roadmaps submitted" in page  # none in Hungarian


def test_a_new_translation_shows_at_once_on_the_stored_public_page(
    client, client_for, net, coordinator, published
):
    assert "Also in:" not in client.get(published.get_absolute_url()).content.decode()
    url = urls(net, published)["create"]
    client_for(coordinator).post(url, {"language": "it", "title": "Ciao", "body": "Testo."})
    assert "Italiano" in client.get(published.get_absolute_url()).content.decode()


@pytest.mark.parametrize("language", ["fr", "bg", "de", "xx"])
def test_a_language_the_article_has_no_text_in_is_404(client, published, italian, language):
    assert client.get(published.url_in(language)).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_an_unpublished_articles_translations_are_never_public(
    request, client_for, state, net, coordinator
):
    article = request.getfixturevalue(state)
    translate(article, "it", title="Non ancora")
    for role in ("anonymous", "city_member_a", "coordinator"):
        client = client_for(request.getfixturevalue(role))
        assert client.get(article.url_in("it")).status_code == 404
        response = client.get(article.get_absolute_url(), headers={"accept-language": "it"})
        assert response.status_code == 404
    feed = client_for(None).get(reverse("news:network_feed", args=[net.slug])).content.decode()
    assert "Non ancora" not in feed and article.slug not in feed


def test_the_atom_feed_names_each_entrys_language_and_translations(
    client, net, published, italian, french
):
    feed = client.get(reverse("news:network_feed", args=[net.slug]))
    (entry,) = ET.fromstring(feed.content).findall(f"{ATOM}entry")
    assert entry.get(XML_LANG) == "en"
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in entry.findall(f"{ATOM}link")
        if link.get("hreflang")
    }
    assert alternates == {
        "fr": f"http://testserver{published.url_in('fr')}",
        "it": f"http://testserver{published.url_in('it')}",
    }
    rss = client.get(reverse("news:network_rss", args=[net.slug]))
    assert rss.status_code == 200 and b"Roadmaps submitted" in rss.content


# Out of date -------------------------------------------------------------------------------


def test_a_translation_is_flagged_when_the_original_changes_and_cleared_when_saved_again(
    client, client_for, net, coordinator, published, italian
):
    editor, url = client_for(coordinator), urls(net, published)
    manage = reverse("news:manage", args=[net.slug])
    edit_original(editor, published, tags=[])  # no change to the text: nothing to translate
    assert OUT_OF_DATE not in editor.get(url["preview"]).content.decode()

    loaded_before = form_data(editor, url["edit"])
    edit_original(editor, published, body="All ten cities submitted. And one more line.")
    published.refresh_from_db()
    italian.refresh_from_db()
    assert italian.is_stale
    changed_on = timezone.localtime(published.edited_at).strftime("%-d %b %Y")
    sentence = f"{OUT_OF_DATE} {changed_on}, after this translation was saved."
    preview = editor.get(url["preview"]).content.decode()
    assert sentence in preview and "One translation is out of date." in preview
    assert sentence in editor.get(manage).content.decode()
    assert sentence in editor.get(url["edit"]).content.decode()
    public = client.get(published.url_in("it")).content.decode()
    assert "Roadmap consegnate" in public and EARLIER in public  # still shown, with a note
    assert OUT_OF_DATE not in public

    # Saved from a form opened before the change: made from the old original, still stale.
    editor.post(
        url["edit"], {**loaded_before, "loaded_at": form_data(editor, url["edit"])["loaded_at"]}
    )
    italian.refresh_from_db()
    assert italian.is_stale

    # Saved from a form opened after the change: up to date again.
    assert editor.post(url["edit"], form_data(editor, url["edit"])).status_code == 302
    italian.refresh_from_db()
    assert not italian.is_stale
    assert OUT_OF_DATE not in editor.get(url["preview"]).content.decode()
    assert OUT_OF_DATE not in editor.get(manage).content.decode()
    assert EARLIER not in client.get(published.url_in("it")).content.decode()


def test_a_form_cannot_claim_a_later_original_than_there_is(
    client_for, net, coordinator, published, italian
):
    client, url = client_for(coordinator), urls(net, published)
    future = (timezone.now() + dt.timedelta(days=365)).isoformat()
    client.post(
        url["create"], {"language": "fr", "title": "T", "body": "B", "source_edited_at": future}
    )
    assert published.translations.get(language="fr").source_edited_at == published.edited_at


def test_the_demo_article_has_an_italian_and_a_stale_french_translation(
    net, coordinator, published
):
    published.edited_at = dt.datetime(2021, 3, 12, 10, tzinfo=dt.UTC)
    published.save()
    meeting_urls = {n: f"/meetings/{n}/" for n in (3, 4, 5)}
    for _ in range(2):  # loading again creates nothing twice
        demo_translations.load(article=published, translator=coordinator, meeting_urls=meeting_urls)
    stale = {t.language: t.is_stale for t in published.translations.all()}
    assert stale == {"fr": True, "it": False}
    assert published.status == ArticleStatus.PUBLISHED


def test_the_sitemap_lists_the_translations_of_published_articles_only(
    client, published, draft, italian
):
    translate(draft, "fr", title="Brouillon")
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text for loc in root.iter(f"{ns}loc")}
    assert f"http://testserver{published.url_in('it')}" in locations
    assert not any(draft.slug in location for location in locations)


def test_the_originals_language_is_chosen_by_its_editors_and_cannot_take_a_translations(
    client_for, net, coordinator, published, italian
):
    client = client_for(coordinator)
    response = client.post(
        reverse("news:create", args=[net.slug]), {"title": "Ciao", "language": "it", "body": "B."}
    )
    assert response.status_code == 302
    written_in_italian = published.network.articles.get(title="Ciao")
    assert written_in_italian.language == "it"
    page = client.get(urls(net, written_in_italian)["create"]).content.decode()
    assert '<option value="en">English</option>' in page
    assert '<option value="it">' not in page

    edit_url = reverse("news:edit", args=[net.slug, published.pk])
    data = {"version": published.version, "title": published.title, "body": published.body}
    response = client.post(edit_url, {**data, "language": "it"})
    assert "The article has a translation in this language. Remove it first." in (
        response.content.decode()
    )
    published.refresh_from_db()
    assert published.language == "en"
