"""The two reviewed documents of a city, the roadmap and the IAP, made the same way, so that
a rule of the review engine is tested once for both (`kind` is "roadmap" or "plan")."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from iap.enums import SectionKind
from partners.models import Notification
from reviews.enums import ReviewState

ROADMAP, PLAN = "roadmap", "plan"

#: The roles of the engine's tables, each a fixture of tests/conftest.py.
ROLES = [
    "coordinator",
    "lead_partner",
    "lead_expert",
    "officer",
    "city_coordinator_a",
    "city_member_a",
    "city_coordinator_b",
    "other_network_coordinator",
    "anonymous",
]
REVIEWERS = {"lead_expert", "lead_partner"}
CITY_TEAM_A = {"city_coordinator_a", "city_member_a"}


def write_document(kind, partner):
    """The city's roadmap with two steps, or its plan with a written section and an action:
    what each needs to be submitted, and parts to comment on."""
    if kind == ROADMAP:
        roadmap = partner.roadmap
        roadmap.steps.create(
            position=1, title="Set up the ULG", owner="City team",
            starts_on=dt.date(2020, 10, 1), due_on=dt.date(2020, 11, 30),
        )  # fmt: skip
        roadmap.steps.create(position=2, title="Agree objectives", is_milestone=True)
        return roadmap
    plan = partner.action_plan
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Few firms report on CSR.")
    plan.actions.create(title="Open a CSR desk", budget=12000, starts_on=dt.date(2021, 9, 1))
    return plan


def parts_of(document) -> list:
    """What a thread may be about: the steps, or a section and the actions."""
    if document.review_kind == ROADMAP:
        return list(document.steps.order_by("position"))
    return [document.sections.get(kind=SectionKind.FUNDING), *document.actions.all()]


def reload(document):
    return type(document).objects.select_related("partner__network").get(pk=document.pk)


def put_in_state(document, state):
    """Skip the workflow to start a check from any state (with the paired cities until a
    week from now when that is the state)."""
    with_peers = state == ReviewState.PEER_REVIEW
    until = timezone.localdate() + dt.timedelta(days=7) if with_peers else None
    type(document).objects.filter(pk=document.pk).update(state=state, peer_review_until=until)
    document.state, document.peer_review_until = state, until
    return document


@contextmanager
def undone():
    """Whatever the block writes is rolled back after it (a savepoint of the test's own
    transaction), so that one test can try an action as every role from the same start."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def told(**filters) -> dict[str, int]:
    """E-mail address → how many notifications that person got (each with its e-mail)."""
    counts = {}
    for email, outbox_row in Notification.objects.filter(**filters).values_list(
        "recipient__email", "email__id"
    ):
        assert outbox_row, f"{email} was told in the portal but not by e-mail"
        counts[email] = counts.get(email, 0) + 1
    return counts


@pytest.fixture(params=[ROADMAP, PLAN])
def kind(request):
    return request.param


@pytest.fixture
def document(kind, city_a):
    return write_document(kind, city_a)


@pytest.fixture
def other_document(kind, city_b):
    """The same kind of document, of the network's other city."""
    return write_document(kind, city_b)


@pytest.fixture
def people(request):
    """Every role of the engine's tables, by fixture name; anonymous is Django's."""
    found = {role: request.getfixturevalue(role) for role in ROLES if role != "anonymous"}
    found["anonymous"] = AnonymousUser()
    return found
