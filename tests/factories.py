"""Factories for the people and networks every app's tests start from."""

import factory
from factory.django import DjangoModelFactory

from partners.enums import Role
from partners.models import Membership, Network, Partner, User

PASSWORD = "a-Long-test-passw0rd"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "City Coordinator"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network number {n}")
    acronym = factory.Sequence(lambda n: f"NET{n}")
    slug = factory.Sequence(lambda n: f"net-{n}")
    theme = "Corporate social responsibility in cities"
    start_date = factory.Faker("date_between", start_date="-2y", end_date="-1y")
    end_date = factory.Faker("date_between", start_date="+1y", end_date="+2y")


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    network = factory.SubFactory(NetworkFactory)
    city = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "IT"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    network = factory.SubFactory(NetworkFactory)
    role = Role.CITY_TEAM_MEMBER
    partner = None
