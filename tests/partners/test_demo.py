import pytest
from django.core.management import call_command

from partners.models import Membership, Network, Partner, User

CITY_SLUGS = [
    "milan", "sofia", "vratsa", "kekava", "rijeka",
    "guimaraes", "molina-de-segura", "budaors", "bratislava", "nantes",
]  # fmt: skip


def counts():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("partners", "meetings", "iap", "news")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_twice():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first


@pytest.mark.django_db
def test_demo_has_the_ten_cities4csr_partners_and_the_demo_logins(client):
    from io import StringIO

    out = StringIO()
    call_command("load_demo", stdout=out)
    network = Network.objects.get(slug="cities4csr")
    assert set(network.partners.values_list("slug", flat=True)) == set(CITY_SLUGS)
    assert network.partners.get(is_lead_partner=True).city == "Milan"
    for slug in CITY_SLUGS:
        assert f"{slug}@example.org" in out.getvalue()
        assert Membership.objects.filter(
            user__email=f"{slug}-member@example.org", partner__slug=slug, network=network
        ).exists()
    for email in [
        "coordinator@example.org", "lead-expert@example.org",
        "officer@example.org", "other-coordinator@example.org",
    ]:  # fmt: skip
        assert User.objects.get(email=email).check_password("cities4csr-demo")
    other = Network.objects.exclude(pk=network.pk).get()
    assert Partner.objects.filter(network=other).count() == 2
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator@example.org", "password": "cities4csr-demo"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == "/n/cities4csr/"


@pytest.mark.django_db
def test_demo_city_member_cannot_open_the_other_network(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(User.objects.get(email="sofia-member@example.org"))
    other = Network.objects.exclude(slug="cities4csr").get()
    assert client.get(other.get_absolute_url()).status_code == 404
