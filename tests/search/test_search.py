"""The search finds what a person may see, and nothing else: not another city's local
group, not another network's meeting, not a draft article (not even as a count); it
ignores accents, follows every change, and shows the words found without trusting the
text it shows."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from news.enums import ArticleStatus
from news.models import Article
from partners.models import Stakeholder, UlgMeeting
from search import indexing
from search.enums import Kind
from search.models import Entry
from search.selectors import search

URL = reverse("search:results")


def found(user, text):
    """{kind: count} of what `user` finds for `text`."""
    results = search(user=user or AnonymousUser(), text=text)
    return {row.kind: row.count for row in results.kinds}


@pytest.fixture
def world(net, city_a, city_b, other_net, other_city, coordinator,
          django_capture_on_commit_callbacks):  # fmt: skip
    """City A's stakeholders and ULG meeting, another network's meeting, a draft and a
    published article, each indexed as its save commits."""
    start = timezone.now() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        Stakeholder.objects.create(
            partner=city_a, name="Marta Rossi", organisation="Cooperativa Guimarães Solidária",
            sector="civil_society",
        )  # fmt: skip
        Stakeholder.objects.create(partner=city_a, name="Budaörs Business Club", sector="private")
        UlgMeeting.objects.create(
            partner=city_a, held_on=dt.date(2024, 5, 2), topic="Visit to Budaors"
        )
        Meeting.objects.create(
            network=other_net, number=1, title="Harbour summit", starts_at=start, ends_at=start
        )
        Article.objects.create(
            network=net, title="Embargoed announcement", slug="embargoed", body="Quietly.",
            author=coordinator, status=ArticleStatus.DRAFT,
        )  # fmt: skip
        Article.objects.create(
            network=net, title="Open announcement", slug="open", body="Loudly.",
            author=coordinator, status=ArticleStatus.PUBLISHED,
            publish_at=timezone.now() - dt.timedelta(days=1),
        )  # fmt: skip


# Who finds what --------------------------------------------------------------------------

#: Who sees city A's local group: its own team and the people who run the network.
STAKEHOLDER_TABLE = [
    ("coordinator", True),
    ("city_member_a", True),
    ("city_member_b", False),
    ("officer", False),
    ("other_network_coordinator", False),
    ("anonymous", False),
]


@pytest.mark.parametrize("role, sees", STAKEHOLDER_TABLE)
def test_a_term_of_city_a_s_local_group_is_found_by_who_may_see_it(
    world, request, client_for, role, sees
):
    user = request.getfixturevalue(role)
    page = client_for(user).get(URL, {"q": "Guimaraes"}).content.decode()
    assert ("Marta Rossi" in page) is sees
    assert (Kind.STAKEHOLDER in found(user, "Guimaraes")) is sees
    if not sees:
        assert "Nothing found for" in page  # not even a count


@pytest.mark.parametrize(
    "role, sees",
    [("coordinator", False), ("city_member_a", False), ("other_network_coordinator", True)],
)
def test_another_network_s_meeting_is_found_only_in_that_network(world, request, role, sees):
    assert (Kind.MEETING in found(request.getfixturevalue(role), "harbour")) is sees


@pytest.mark.parametrize(
    "role, drafts, published",
    [
        ("coordinator", True, True),  # the news editor
        ("city_member_a", False, True),
        ("other_network_coordinator", False, False),  # another network's: never
        ("outsider", False, True),  # in no network: the published news, as the public
        ("anonymous", False, True),
    ],
)
def test_a_draft_article_is_found_by_its_editors_only(world, request, role, drafts, published):
    user = request.getfixturevalue(role)
    assert (Kind.NEWS in found(user, "embargoed")) is drafts
    assert (Kind.NEWS in found(user, "open announcement")) is published


def test_the_editor_is_led_to_the_draft_s_preview(world, client_for, coordinator, net):
    page = client_for(coordinator).get(URL, {"q": "embargoed"}).content.decode()
    draft = Article.objects.get(slug="embargoed")
    assert reverse("news:preview", args=[net.slug, draft.pk]) in page


# Words -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Budaors", "Budaörs", "BUDAÖRS"])
def test_accents_and_case_are_ignored(world, coordinator, text):
    assert found(coordinator, text) == {Kind.STAKEHOLDER: 1, Kind.ULG_MEETING: 1}


@pytest.mark.parametrize("text", ["Guimaraes", "Guimarães"])
def test_the_accented_word_found_is_highlighted(world, client_for, coordinator, text):
    page = client_for(coordinator).get(URL, {"q": text}).content.decode()
    assert "<mark>Guimarães</mark>" in page


def test_an_italian_city_s_words_are_found_by_their_stem(
    net, city_a, coordinator, django_capture_on_commit_callbacks
):
    assert city_a.country == "IT"
    with django_capture_on_commit_callbacks(execute=True):
        Stakeholder.objects.create(
            partner=city_a, name="Associazione", organisation="Cooperative sociali",
            sector="civil_society",
        )  # fmt: skip
    assert found(coordinator, "cooperativa sociale") == {Kind.STAKEHOLDER: 1}


def test_the_source_text_is_escaped_around_the_highlighting(
    city_a, coordinator, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Stakeholder.objects.create(
            partner=city_a, name="<script>alert(1)</script> Zeta & Sons \ue000", sector="other"
        )
    page = client_for(coordinator).get(URL, {"q": "zeta"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Zeta</mark> &amp; Sons" in page


# Changes ---------------------------------------------------------------------------------


def test_a_change_is_found_once_it_commits_and_the_old_words_no_more(
    world, coordinator, django_capture_on_commit_callbacks
):
    stakeholder = Stakeholder.objects.get(name="Marta Rossi")
    with django_capture_on_commit_callbacks(execute=True):
        stakeholder.name = "Marta Bianchi"
        stakeholder.save()
    assert Kind.STAKEHOLDER in found(coordinator, "Bianchi")
    assert Kind.STAKEHOLDER not in found(coordinator, "Rossi")


def test_a_deleted_record_leaves_the_index(world, coordinator, django_capture_on_commit_callbacks):
    stakeholder = Stakeholder.objects.get(name="Marta Rossi")
    with django_capture_on_commit_callbacks(execute=True):
        stakeholder.delete()
    assert not Entry.objects.filter(kind=Kind.STAKEHOLDER, object_id=stakeholder.pk).exists()
    assert Kind.STAKEHOLDER not in found(coordinator, "Rossi")


def test_a_rename_of_a_person_is_found_on_their_membership(
    world, city_member_a, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        city_member_a.full_name = "Ottavia Quintavalle"
        city_member_a.save()
    assert found(coordinator, "Quintavalle") == {Kind.PERSON: 1}
    assert found(city_member_a, "Quintavalle") == {Kind.PERSON: 1}


def test_a_rebuild_makes_the_same_entries(world):
    before = sorted(Entry.objects.values_list("kind", "object_id", "title", "url"))
    indexing.rebuild()
    assert sorted(Entry.objects.values_list("kind", "object_id", "title", "url")) == before


# The page --------------------------------------------------------------------------------


def test_results_are_grouped_by_kind_counted_and_paged(
    city_a, coordinator, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(23):
            Stakeholder.objects.create(partner=city_a, name=f"Kappa member {n}", sector="other")
        UlgMeeting.objects.create(partner=city_a, held_on=dt.date(2024, 1, 9), topic="Kappa day")
    client = client_for(coordinator)
    first = client.get(URL, {"q": "kappa"}).content.decode()
    assert "24 results for “kappa”" in first
    assert "ULG stakeholders (23)" in first and "ULG meetings (1)" in first
    assert first.count('class="mb-3 search-result"') == 20
    last = client.get(URL, {"q": "kappa", "page": "99"}).content.decode()
    assert last.count('class="mb-3 search-result"') == 4
    only = client.get(URL, {"q": "kappa", "kind": Kind.ULG_MEETING}).content.decode()
    assert "<mark>Kappa</mark> day" in only and "member" not in only


@pytest.mark.parametrize(
    "params, shows",
    [
        ({}, "Type the words you are looking for"),
        ({"q": "   "}, "Type the words you are looking for"),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"q": "bad\x00byte"}, "Null characters are not allowed."),
        ({"q": "kappa", "kind": "nonsense"}, "Select a valid choice."),
        ({"q": "!!! & | ( :*"}, "Nothing found for"),
        ({"q": '"unclosed -- or or'}, "Nothing found for"),
    ],
)
def test_odd_queries_get_a_message_not_an_error(db, client, params, shows):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert shows in response.content.decode()


def test_a_stakeholder_s_address_is_never_searched(
    city_a, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Stakeholder.objects.create(
            partner=city_a, name="Nadia", email="hidden.address@example.org", sector="other"
        )
    assert found(coordinator, "hidden.address@example.org") == {}
    assert found(coordinator, "Nadia") == {Kind.STAKEHOLDER: 1}


def test_a_person_of_two_roles_is_found_once_and_still_after_losing_one(
    net, city_a, coordinator, lead_partner, django_capture_on_commit_callbacks
):
    from partners.enums import Role
    from partners.models import Membership

    with django_capture_on_commit_callbacks(execute=True):
        lead_partner.full_name = "Ilaria Brambilla"
        lead_partner.save()
        extra = Membership.objects.create(
            user=lead_partner, network=net, role=Role.CITY_COORDINATOR, partner=city_a
        )
    assert found(coordinator, "Brambilla") == {Kind.PERSON: 1}
    first = Membership.objects.filter(user=lead_partner).exclude(pk=extra.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert found(coordinator, "Brambilla") == {Kind.PERSON: 1}
