import datetime as dt

import pytest

from partners.enums import ObligationKind
from partners.models import Obligation


@pytest.fixture
def roadmap_obligation(net):
    return Obligation.objects.create(
        network=net, kind=ObligationKind.ROADMAP, title="IAP roadmaps submitted",
        due_on=dt.date(2020, 12, 31),
    )  # fmt: skip


@pytest.fixture
def review_obligation(net):
    return Obligation.objects.create(
        network=net, kind=ObligationKind.ROADMAP_REVIEW, title="Roadmaps reviewed",
        within_days=10,
    )  # fmt: skip
