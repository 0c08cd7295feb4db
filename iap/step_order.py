"""The order of a roadmap's steps: a city moves a step up or down, one place at a time
(buttons, no dragging), while its roadmap is editable."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from partners.models import User

from .models import Roadmap, RoadmapStep

#: Where a step may move: before the step above it, or after the one below it.
UP, DOWN = "up", "down"
DIRECTIONS = (UP, DOWN)


@transaction.atomic
def step_move(*, user: User, step: RoadmapStep, direction: str) -> bool:
    """Swap the step with its neighbour ("up": the one before, "down": the one after).

    The roadmap is locked first, so that two moves, or a move and a submission, happen one
    after the other; its steps are then numbered 1, 2, 3… again, so that positions stay
    unique and without gaps whatever earlier additions and removals left. At either end
    nothing moves and False is returned.

    A step's version is left as it is: its edit form holds no position, and a save of
    that form reloads the row, so an edit opened before the move is still taken."""
    roadmap = (
        Roadmap.objects.select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=step.roadmap_id)
    )
    if not user.has_perm("iap.edit_roadmap", roadmap):
        raise PermissionDenied
    if direction not in DIRECTIONS:
        raise ValidationError(_("A step moves up or down."))
    steps = list(roadmap.steps.select_for_update().order_by("position", "pk"))
    index = next((i for i, each in enumerate(steps) if each.pk == step.pk), None)
    if index is None:
        raise Http404  # removed a moment ago by someone else
    other = index - 1 if direction == UP else index + 1
    moved = 0 <= other < len(steps)
    if moved:
        steps[index], steps[other] = steps[other], steps[index]
    for position, each in enumerate(steps, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])  # each save bumps the stored pages
    return moved
