import datetime as dt

import pytest

from iap.enums import RoadmapState
from iap.models import Roadmap


@pytest.fixture
def roadmap_a(city_a):
    roadmap = city_a.roadmap
    roadmap.steps.create(
        position=1,
        title="Set up the ULG",
        owner="City team",
        starts_on=dt.date(2020, 10, 1),
        due_on=dt.date(2020, 11, 30),
    )
    roadmap.steps.create(
        position=2,
        title="Agree objectives",
        owner="ULG",
        starts_on=dt.date(2021, 1, 1),
        due_on=dt.date(2021, 3, 31),
        is_milestone=True,
    )
    return roadmap


@pytest.fixture
def roadmap_b(city_b):
    roadmap = city_b.roadmap
    roadmap.steps.create(position=1, title="Betatown's secret draft step")
    return roadmap


def put_in_state(roadmap, state):
    """Bypass the workflow in a test, to start a check from any state."""
    Roadmap.objects.filter(pk=roadmap.pk).update(state=state)
    roadmap.refresh_from_db()
    return roadmap


@pytest.fixture
def in_state():
    return put_in_state


__all__ = ["RoadmapState"]
