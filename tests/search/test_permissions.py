"""Permission table of the search page, and its answers to hostile input.

Anyone may open it (a visitor searches the published news); what each role finds is the
business of `test_search.py`. Hostile values in the query, the kind or the page number,
and hostile text in what is indexed, give a page, never a 500.
"""

import pytest
from django.urls import reverse

from partners.models import Stakeholder
from search import indexing
from search.selectors import search
from tests.conftest import ROLE_FIXTURES
from tests.fuzz import FAMILIES

COVERED_URL_NAMES = {"search:results"}
URL = reverse("search:results")


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_everyone_may_open_the_search(request, client_for, net, role):
    response = client_for(request.getfixturevalue(role)).get(URL, {"q": "roadmap"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]  # nobody else's cache keeps it


@pytest.mark.parametrize("family", FAMILIES, ids=str)
def test_hostile_values_in_the_query_give_a_page(client_for, coordinator, family):
    client = client_for(coordinator)
    for params in ({"q": family.value}, {"q": "city", "kind": family.value},
                   {"q": "city", "page": family.value}):  # fmt: skip
        assert client.get(URL, params).status_code == 200, params


def test_hostile_text_is_indexed_and_found(city_a, coordinator):
    texts = [family.value for family in FAMILIES if "\x00" not in family.value]
    Stakeholder.objects.bulk_create(
        Stakeholder(partner=city_a, name=f"Omega {n}", organisation=text[:200], sector="other")
        for n, text in enumerate(texts)
    )
    indexing.rebuild()
    results = search(user=coordinator, text="omega")
    assert results.total == len(texts)
    page = results.page(1)
    assert all(entry.title_marked.startswith("<mark>Omega</mark>") for entry in page)
