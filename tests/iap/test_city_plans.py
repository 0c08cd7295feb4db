"""A city's roadmap and plan exist from the day the city does: no page creates them."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from iap import services
from iap.enums import SectionKind
from iap.models import ActionPlan, PlanSection, Roadmap
from tests.factories import PartnerFactory


def rows():
    return (Roadmap.objects.count(), ActionPlan.objects.count(), PlanSection.objects.count())


def test_a_new_city_has_its_roadmap_and_plan_with_every_section(net):
    city = PartnerFactory(network=net)
    assert city.roadmap.state == "draft" and not city.roadmap.steps.exists()
    assert set(city.action_plan.sections.values_list("kind", flat=True)) == set(SectionKind)
    assert rows() == (1, 1, len(SectionKind))


def test_creating_the_plans_again_changes_nothing(net):
    city = PartnerFactory(network=net)
    before = rows()
    services.city_plans_create(partner=city)
    assert rows() == before


def test_reading_the_pages_writes_no_plans(client_for, net, city_a, officer):
    Roadmap.objects.all().delete()
    ActionPlan.objects.all().delete()
    client = client_for(officer)
    assert client.get(reverse("iap:roadmap", args=[net.slug, city_a.slug])).status_code == 404
    assert client.get(reverse("iap:plan", args=[net.slug, city_a.slug])).status_code == 404
    assert rows() == (0, 0, 0)


def test_the_migration_gives_existing_cities_their_plans_and_moves_the_deadline(migrator):
    before = [("iap", "0002_verbose_names_and_versions"), ("partners", "0006_plausible_dates")]
    migrator.migrate(before)
    old = migrator.loader.project_state(before).apps
    network = old.get_model("partners", "Network").objects.create(
        name="Old network",
        acronym="OLD",
        slug="old",
        start_date=dt.date(2019, 9, 1),
        end_date=dt.date(2022, 12, 31),
    )
    city = old.get_model("partners", "Partner").objects.create(
        network=network, city="Oldtown", slug="oldtown", country="FR"
    )
    old.get_model("iap", "IapSettings").objects.create(
        network=network, roadmap_deadline=dt.date(2020, 12, 31)
    )
    assert not old.get_model("iap", "Roadmap").objects.filter(partner_id=city.pk).exists()

    after = [("iap", "0004_delete_iapsettings"), ("partners", "0006_plausible_dates")]
    MigrationExecutor(connection).migrate(after)
    new = MigrationExecutor(connection).loader.project_state(after).apps

    assert new.get_model("iap", "Roadmap").objects.filter(partner_id=city.pk).exists()
    sections = new.get_model("iap", "PlanSection").objects.filter(plan__partner_id=city.pk)
    assert sections.count() == len(SectionKind)
    deadline = new.get_model("partners", "KeyDeadline").objects.get(network_id=network.pk)
    assert (deadline.purpose, deadline.due_on) == ("iap_roadmap", dt.date(2020, 12, 31))
