import datetime as dt

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from news.enums import ArticleStatus
from news.models import Article
from partners.enums import Role
from tests.factories import MembershipFactory, UserFactory


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "What happened in the network."
    body = "The cities met online and agreed their next steps."
    author = factory.SubFactory(UserFactory)
    byline_role = factory.LazyAttribute(lambda article: article.author.job_title)
    status = ArticleStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


@pytest.fixture
def communication_officer(net):
    """Not a coordinator: given the communication role by the coordinator."""
    user = UserFactory(email="press@example.org", full_name="Paola Press")
    MembershipFactory(user=user, network=net, role=Role.COMMUNICATION)
    return user


@pytest.fixture
def published(net, coordinator):
    return ArticleFactory(
        network=net, author=coordinator, title="Roadmaps submitted", slug="roadmaps-submitted"
    )


@pytest.fixture
def draft(net, coordinator):
    return ArticleFactory(
        network=net,
        author=coordinator,
        title="Draft about SSAs",
        slug="draft-about-ssas",
        status=ArticleStatus.DRAFT,
        publish_at=None,
    )


@pytest.fixture
def scheduled(net, coordinator):
    return ArticleFactory(
        network=net,
        author=coordinator,
        title="Coming next week",
        slug="coming-next-week",
        status=ArticleStatus.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(days=7),
    )
