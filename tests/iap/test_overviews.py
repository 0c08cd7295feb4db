"""The officer's way into every city's plans, and the overviews across cities.

The programme officer reads every city's roadmap, IAP and Small Scale Actions by
following links (from the IAP page and from each city's page); the network staff and the
officer read all roadmaps, all IAP actions with their budgets and all SSAs on one page
each, filtered by city and state, and take them away as CSV or XLSX with the same rows.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from iap import selectors
from iap.enums import RoadmapState, SsaStatus, StepStatus
from iap.models import ActionPlan, PlanAction, SmallScaleAction
from reviews import services as engine
from tests.factories import PartnerFactory
from tests.fuzz import FAMILIES, TEXT

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """The hrefs of a page's links."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def links_of(response) -> list[str]:
    parser = Links()
    parser.feed(response.content.decode())
    return parser.hrefs


def city_plan_urls(net, city):
    return {
        reverse("iap:roadmap", args=[net.slug, city.slug]),
        reverse("iap:plan", args=[net.slug, city.slug]),
        reverse("iap:ssa_list", args=[net.slug, city.slug]),
    }


def overview(name, net, *args):
    return reverse(f"iap:{name}", args=[net.slug, *args])


@pytest.fixture
def plans(net, city_a, city_b, roadmap_a, roadmap_b, city_coordinator_a):
    """Alphaville: a submitted roadmap, a plan with two actions (one a formula), two SSAs;
    Betatown: a draft roadmap, an approved plan with one action, one SSA."""
    step = roadmap_a.steps.get(position=1)
    step.status = StepStatus.DONE
    step.save()
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    pact = PlanAction.objects.create(
        plan=city_a.action_plan, title="Local CSR pact", responsible_body="City council",
        starts_on=dt.date(2021, 3, 1), ends_on=dt.date(2022, 6, 30), budget=Decimal("12500.50"),
        funding_source="ERDF",
    )  # fmt: skip
    PlanAction.objects.create(
        plan=city_a.action_plan, title="=HYPERLINK(\"https://evil.example\",\"x\")",
        responsible_body="@SUM(A1)", budget=Decimal("1000"), funding_source="-1+2",
    )  # fmt: skip
    ActionPlan.objects.filter(partner=city_b).update(state=RoadmapState.APPROVED)
    PlanAction.objects.create(
        plan=city_b.action_plan, title="CSR label", budget=Decimal("4000"),
        starts_on=dt.date(2021, 9, 1),
    )  # fmt: skip
    SmallScaleAction.objects.create(
        partner=city_a, title="Tree planting", action=pact, status=SsaStatus.RUNNING,
        budget=Decimal("2500"), starts_on=dt.date(2021, 4, 1), ends_on=dt.date(2021, 10, 31),
    )  # fmt: skip
    SmallScaleAction.objects.create(partner=city_a, title="CSR breakfast")
    SmallScaleAction.objects.create(
        partner=city_b, title="Betatown's fair", status=SsaStatus.EVALUATED
    )
    return {"pact": pact}


# The officer reaches every city's plans ---------------------------------------------------


def test_the_officer_follows_links_from_the_iap_page_to_every_citys_plans(
    client_for, net, city_a, city_b, plans, officer
):
    client = client_for(officer)
    page = client.get(overview("review_queue", net))
    assert page.status_code == 200
    hrefs = set(links_of(page))
    for city in (city_a, city_b):
        wanted = city_plan_urls(net, city)
        assert wanted <= hrefs, city.city
        for href in wanted:
            assert client.get(href).status_code == 200, href


def test_the_officer_reads_the_iap_page_without_review_actions(
    client_for, net, city_a, city_b, plans, officer
):
    text = client_for(officer).get(overview("review_queue", net)).content.decode()
    assert "<h1>The cities' IAPs</h1>" in text and "IAP roadmap reviews" not in text
    assert "Waiting for review" not in text and "Set the deadline" not in text
    alpha, beta = text.index("Alphaville"), text.index("Betatown")
    assert alpha < beta  # by name, not by what waits for a review
    assert "Submitted" in text[alpha:beta] and "Draft" in text[beta:]


def test_the_reviewers_keep_the_review_queue(client_for, net, city_a, plans, lead_expert):
    text = client_for(lead_expert).get(overview("review_queue", net)).content.decode()
    assert "IAP roadmap reviews" in text and "Waiting for review" in text
    assert reverse("iap:plan", args=[net.slug, city_a.slug]) in text


def test_the_officer_follows_links_from_each_city_page(
    client_for, net, city_a, city_b, plans, officer
):
    client = client_for(officer)
    cities = client.get(reverse("partners:partner_list", args=[net.slug]))
    assert city_plan_urls(net, city_a) | city_plan_urls(net, city_b) <= set(links_of(cities))
    for city in (city_a, city_b):
        page = client.get(reverse("partners:partner_detail", args=[net.slug, city.slug]))
        hrefs = set(links_of(page))
        assert city_plan_urls(net, city) <= hrefs, city.city
        for href in city_plan_urls(net, city):
            assert client.get(href).status_code == 200, href


def test_a_city_page_links_only_to_plans_the_person_may_see(
    client_for, net, city_a, city_b, plans, city_member_b
):
    client = client_for(city_member_b)
    own = client.get(reverse("partners:partner_detail", args=[net.slug, city_b.slug]))
    assert city_plan_urls(net, city_b) <= set(links_of(own))
    other = client.get(reverse("partners:partner_detail", args=[net.slug, city_a.slug]))
    assert other.status_code == 200
    assert not city_plan_urls(net, city_a) & set(links_of(other))
    listing = set(links_of(client.get(reverse("partners:partner_list", args=[net.slug]))))
    assert city_plan_urls(net, city_b) <= listing
    assert not city_plan_urls(net, city_a) & listing


def test_the_iap_menu_entry_is_there_for_the_officer(client_for, net, plans, officer):
    home = client_for(officer).get(reverse("partners:partner_list", args=[net.slug]))
    assert overview("review_queue", net) in links_of(home)


# The overviews ---------------------------------------------------------------------------


def test_all_roadmaps_show_state_steps_next_step_and_submission(
    client_for, net, city_a, city_b, plans, coordinator
):
    page = client_for(coordinator).get(overview("overview_roadmaps", net)).content.decode()
    text = page[page.index("<table") :]
    alpha, beta = text.index("Alphaville"), text.index("Betatown")
    assert alpha < beta
    row_a = text[alpha:beta]
    assert "Submitted" in row_a and "1 of 2" in row_a
    assert "Agree objectives" in row_a and "31 Mar 2021" in row_a  # step 1 is done
    assert "Not yet" in text[beta:] and "Draft" in text[beta:]
    assert reverse("iap:roadmap", args=[net.slug, city_a.slug]) in text


def test_the_overviews_filter_by_city_and_by_state(client_for, net, city_a, city_b, plans, officer):
    client = client_for(officer)

    def shown(name, **filters):
        return client.get(overview(name, net), filters).content.decode()

    submitted = shown("overview_roadmaps", state=RoadmapState.SUBMITTED)
    assert "Alphaville" in submitted and "Betatown" not in submitted.split("<table")[1]
    assert "CSR label" not in shown("overview_actions", city=city_a.slug)
    assert "Local CSR pact" in shown("overview_actions", city=city_a.slug)
    approved = shown("overview_actions", state=RoadmapState.APPROVED)
    assert "CSR label" in approved and "Local CSR pact" not in approved
    running = shown("overview_ssas", state=SsaStatus.RUNNING)
    assert "Tree planting" in running and "CSR breakfast" not in running
    betatown = shown("overview_ssas", city=city_b.slug, state=SsaStatus.EVALUATED)
    assert "Betatown&#x27;s fair" in betatown and "Tree planting" not in betatown


def test_the_filters_are_labelled_selects_that_keep_what_was_chosen(
    client_for, net, city_a, plans, officer
):
    text = (
        client_for(officer)
        .get(overview("overview_ssas", net), {"city": city_a.slug})
        .content.decode()
    )
    assert '<label class="form-label" for="id_city">City</label>' in text
    assert '<label class="form-label" for="id_state">Status</label>' in text
    assert f'<option value="{city_a.slug}" selected>Alphaville</option>' in text
    assert f"ssas.csv?city={city_a.slug}" in text and f"ssas.xlsx?city={city_a.slug}" in text


@pytest.mark.parametrize(
    "name, filters",
    [
        ("overview_roadmaps", {"state": "lost"}),
        ("overview_actions", {"city": "gammaburg"}),
        ("overview_ssas", {"city": "<script>", "state": "running"}),
    ],
)
def test_a_filter_not_on_the_lists_is_a_400_that_says_so(
    client_for, net, plans, other_city, officer, name, filters
):
    client = client_for(officer)
    response = client.get(overview(name, net), filters)
    assert response.status_code == 400
    text = response.content.decode()
    assert "These filters are not on the lists" in text and "Select a valid choice" in text
    assert "<script>" not in text
    for file_format in ("csv", "xlsx"):
        export = client.get(overview(f"{name}_export", net, file_format), filters)
        assert export.status_code == 400
        assert "Choose the city and the state from the lists" in export.content.decode()


def test_an_unknown_page_number_or_format(client_for, net, plans, officer):
    client = client_for(officer)
    assert client.get(overview("overview_ssas", net), {"page": "x"}).status_code == 200
    assert client.get(overview("overview_ssas", net), {"page": "999"}).status_code == 200
    assert client.get(overview("overview_ssas_export", net, "docx")).status_code == 404


def test_a_long_overview_is_paged_and_the_pages_keep_the_filters(
    client_for, net, city_a, plans, officer
):
    SmallScaleAction.objects.bulk_create(
        SmallScaleAction(partner=city_a, title=f"Workshop {n:03}", status=SsaStatus.PLANNED)
        for n in range(60)
    )
    client = client_for(officer)
    first = client.get(overview("overview_ssas", net), {"state": SsaStatus.PLANNED})
    text = first.content.decode()
    assert "60 rows" in text and "Page 1 of 2" in text
    assert "?state=planned&amp;page=2" in text
    second = client.get(overview("overview_ssas", net), {"state": "planned", "page": 2})
    assert "Page 2 of 2" in second.content.decode()
    assert second.content.decode().count("Workshop 0") == 10


def test_the_actions_show_a_budget_per_city_and_in_all(
    client_for, net, city_a, city_b, plans, officer
):
    budgets = selectors.budgets_of(actions=selectors.actions_overview(user=officer, network=net))
    assert [(c.city, c.actions, c.budget) for c in budgets.cities] == [
        ("Alphaville", 2, Decimal("13500.50")),
        ("Betatown", 1, Decimal("4000")),
    ]
    assert (budgets.actions, budgets.budget) == (3, Decimal("17500.50"))
    text = client_for(officer).get(overview("overview_actions", net)).content.decode()
    assert "13,500.50" in text and "17,500.50" in text


# Exports --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content))


def test_roadmaps_as_csv_and_xlsx_with_labels_numbers_and_dates(
    client_for, net, city_a, city_b, plans, officer
):
    client = client_for(officer)
    rows = read_csv(client.get(overview("overview_roadmaps_export", net, "csv")))
    assert rows[0][:4] == ["City", "State", "Steps done", "Steps in all"]
    assert rows[1][:6] == ["Alphaville", "Submitted", "1", "2", "Agree objectives", "2021-03-31"]
    assert rows[2][:2] == ["Betatown", "Draft"]

    response = client.get(overview("overview_roadmaps_export", net, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="testnet-roadmaps.xlsx"' in response["Content-Disposition"]
    sheet = read_xlsx(response)["Roadmaps"]
    alpha = [cell.value for cell in sheet[2]]
    assert alpha[:5] == ["Alphaville", "Submitted", 1, 2, "Agree objectives"]
    assert alpha[5] == dt.datetime(2021, 3, 31)  # a date cell, read back as a datetime
    assert sheet.cell(row=2, column=6).is_date and sheet.cell(row=2, column=7).is_date


def test_actions_as_csv_and_xlsx_with_budgets_totals_and_formulas_neutralised(
    client_for, net, city_a, plans, officer
):
    client = client_for(officer)
    rows = read_csv(client.get(overview("overview_actions_export", net, "csv")))
    assert rows[0][:6] == ["City", "Action", "Responsible body", "Start", "End", "Budget (EUR)"]
    by_title = {row[1]: row for row in rows[1:4]}
    assert by_title["Local CSR pact"][3:6] == ["2021-03-01", "2022-06-30", "12500.50"]
    formula = next(row for row in rows[1:4] if "HYPERLINK" in row[1])
    assert formula[1].startswith("'=") and formula[2] == "'@SUM(A1)" and formula[6] == "'-1+2"
    assert ["All cities", "3", "17500.50"] in rows

    book = read_xlsx(client.get(overview("overview_actions_export", net, "xlsx")))
    sheet = book["IAP actions"]
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    pact = cells["Local CSR pact"]
    assert pact[5].value == Decimal("12500.50") or pact[5].value == 12500.5
    assert pact[5].data_type == "n" and pact[3].is_date
    assert pact[7].value == "Draft"  # the plan's state in words
    formula = next(row for title, row in cells.items() if "HYPERLINK" in title)
    assert formula[1].value.startswith("'=") and formula[1].data_type == "s"
    assert formula[2].value == "'@SUM(A1)" and formula[6].value == "'-1+2"
    totals = [[c.value for c in row] for row in book["Budget by city"].iter_rows()]
    assert totals[0] == ["City", "Actions", "Budget (EUR)"]
    assert totals[1] == ["Alphaville", 2, 13500.5] and totals[-1] == ["All cities", 3, 17500.5]


def test_ssas_as_csv_and_xlsx_honour_the_filters(client_for, net, city_a, plans, officer):
    client = client_for(officer)
    filters = {"city": city_a.slug, "state": SsaStatus.RUNNING}
    rows = read_csv(client.get(overview("overview_ssas_export", net, "csv"), filters))
    assert rows == [
        ["City", "Small Scale Action", "Status", "Budget (EUR)", "Start", "End",
         "IAP action it tests"],
        ["Alphaville", "Tree planting", "Running", "2500.00", "2021-04-01", "2021-10-31",
         "Local CSR pact"],
    ]  # fmt: skip
    sheet = read_xlsx(client.get(overview("overview_ssas_export", net, "xlsx"), filters))
    values = [[c.value for c in row] for row in sheet.active.iter_rows()]
    assert values[1][:4] == ["Alphaville", "Tree planting", "Running", 2500]
    assert len(values) == 2


def test_text_a_spreadsheet_cannot_hold_is_left_out_not_a_500(
    client_for, net, city_a, plans, officer
):
    SmallScaleAction.objects.create(partner=city_a, title="Bell\x07 and\x0b tab")
    response = client_for(officer).get(overview("overview_ssas_export", net, "xlsx"))
    assert response.status_code == 200
    titles = [row[1].value for row in read_xlsx(response).active.iter_rows(min_row=2)]
    assert "Bell and tab" in titles


# Who sees what --------------------------------------------------------------------------


def test_the_selectors_never_give_a_city_person_another_citys_rows(
    net, city_a, city_b, plans, city_member_a
):
    assert {r.partner for r in selectors.roadmaps_overview(user=city_member_a, network=net)} == {
        city_a
    }
    actions = selectors.actions_overview(user=city_member_a, network=net, city=city_b.slug)
    assert not actions.exists()
    assert {s.partner for s in selectors.ssas_overview(user=city_member_a, network=net)} == {city_a}
    rows, _deadline = selectors.review_queue(user=city_member_a, network=net)
    assert [row.partner for row in rows] == [city_a]


@pytest.mark.parametrize(
    "name, args",
    [
        ("overview_roadmaps", []),
        ("overview_actions", []),
        ("overview_ssas_export", ["csv"]),
        ("overview_actions_export", ["xlsx"]),
    ],
)
def test_city_people_may_not_open_the_overviews(
    client_for, net, plans, city_member_a, city_coordinator_b, name, args
):
    for person in (city_member_a, city_coordinator_b):
        assert client_for(person).get(overview(name, net, *args)).status_code == 403


@pytest.mark.parametrize(
    "name, args",
    [
        ("review_queue", []),
        ("overview_roadmaps", []),
        ("overview_ssas", []),
        ("overview_actions_export", ["csv"]),
        ("overview_roadmaps_export", ["xlsx"]),
    ],
)
def test_another_networks_coordinator_gets_404_and_nothing_of_it(
    client_for, net, plans, other_network_coordinator, name, args
):
    response = client_for(other_network_coordinator).get(overview(name, net, *args))
    assert response.status_code == 404
    assert b"Alphaville" not in response.content and b"Local CSR pact" not in response.content


def test_another_networks_cities_are_not_in_the_overviews(
    client_for, net, plans, other_city, officer
):
    PlanAction.objects.create(plan=other_city.action_plan, title="Gammaburg's own action")
    client = client_for(officer)
    text = client.get(overview("overview_actions", net)).content.decode()
    assert "Gammaburg" not in text
    rows = read_csv(client.get(overview("overview_actions_export", net, "csv")))
    assert not any("Gammaburg" in cell for row in rows for cell in row)


def test_the_overviews_cost_at_most_eight_queries_however_many_cities(
    client_for, net, plans, officer, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(officer)
    pages = ["review_queue", "overview_roadmaps", "overview_actions", "overview_ssas"]

    def add_cities(count):
        for n in range(count):
            partner = PartnerFactory(network=net)
            PlanAction.objects.create(plan=partner.action_plan, title=f"Action {n}", budget=10)
            SmallScaleAction.objects.create(partner=partner, title=f"SSA {n}")
            partner.roadmap.steps.create(title=f"Step {n}", due_on=dt.date(2021, 5, 1))

    def queries():
        counted = {}
        for name in pages:
            client.get(overview(name, net))
            with CaptureQueriesContext(connection) as captured:
                assert client.get(overview(name, net)).status_code == 200
            counted[name] = len(captured)
        return counted

    add_cities(3)
    few = queries()
    add_cities(20)
    assert queries() == few
    assert max(few.values()) <= 8, few


@pytest.mark.parametrize(
    "family", [f for f in FAMILIES if f.fits == TEXT and "\x00" not in f.value], ids=str
)
def test_hostile_text_in_a_city_plan_leaves_the_overviews_and_exports_working(
    client_for, net, city_a, plans, officer, family
):
    text = family.value[:300]
    action = PlanAction.objects.create(
        plan=city_a.action_plan, title=text, responsible_body=text[:200], funding_source=text[:200]
    )
    SmallScaleAction.objects.create(partner=city_a, title=text, action=action)
    client = client_for(officer)
    for name in ("overview_roadmaps", "overview_actions", "overview_ssas"):
        assert client.get(overview(name, net)).status_code == 200, name
        for file_format in ("csv", "xlsx"):
            response = client.get(overview(f"{name}_export", net, file_format))
            assert response.status_code == 200, (name, file_format)
    book = read_xlsx(client.get(overview("overview_ssas_export", net, "xlsx")))
    titles = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert any(title.lstrip("'").startswith(text[:20].lstrip("'")) for title in titles)
