"""What a Small Scale Action taught: its lessons, each of which may become an action of the
city's IAP in one step, linked both ways (the lesson names the action it became, the
action the lesson it came from)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from partners.models import User
from reviews.enums import ReviewState

from . import services
from .models import ActionPlan, PlanAction, SmallScaleAction, SsaLesson

#: The end of a sentence: a full stop, question or exclamation mark before a space.
SENTENCE_END = re.compile(r"(?<=[.!?])\s")
TITLE_LENGTH = PlanAction._meta.get_field("title").max_length
OBJECTIVE_LENGTH = PlanAction._meta.get_field("objective").max_length


@transaction.atomic
def lesson_save(
    *, user: User, ssa: SmallScaleAction, text: str, lesson: SsaLesson | None = None
) -> SsaLesson:
    """Add a lesson to the Small Scale Action, or change the words of one."""
    if not user.has_perm(SmallScaleAction.change_permission, ssa.permission_object()):
        raise PermissionDenied
    if lesson is None:
        lesson = SsaLesson(ssa=ssa)
    elif lesson.ssa_id != ssa.pk:
        raise ValidationError(_("This lesson belongs to another Small Scale Action."))
    lesson.text = text
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_remove(*, user: User, lesson: SsaLesson) -> None:
    """Take a lesson off its Small Scale Action; the IAP action it became stays."""
    lesson = SsaLesson.objects.select_related("ssa__partner").get(pk=lesson.pk)
    if not user.has_perm(SmallScaleAction.change_permission, lesson.ssa.permission_object()):
        raise PermissionDenied
    lesson.delete()


def action_initial(lesson: SsaLesson) -> dict:
    """The IAP action a lesson suggests, for the city to complete: titled by the lesson's
    first line or sentence, its objective naming the Small Scale Action, its indicators
    the SSA's own ("name | result | target": what was reached is the new baseline)."""
    first_line = lesson.text.strip().splitlines()[0] if lesson.text.strip() else ""
    title = SENTENCE_END.split(first_line, maxsplit=1)[0].strip()
    ssa = lesson.ssa
    return {
        "title": Truncator(title).chars(TITLE_LENGTH),
        "objective": _learnt_from(ssa.title),
        "responsible_body": "",
        "indicators_text": "\n".join(
            f"{i.name} | {i.result} | {i.target}" for i in ssa.indicators.all()
        ),
    }


def _learnt_from(ssa_title: str) -> str:
    """The objective “Learnt from the Small Scale Action …”, its title shortened to fit."""
    sentence = _("Learnt from the Small Scale Action “%(title)s”")
    room = OBJECTIVE_LENGTH - len(sentence % {"title": ""})
    return sentence % {"title": Truncator(ssa_title).chars(room)}


def plan_closed_reason(plan: ActionPlan) -> str:
    """Why no action may be added to the plan now, in a whole sentence ("" if it may)."""
    if plan.state in (ReviewState.PEER_REVIEW, ReviewState.SUBMITTED):
        return _(
            "The IAP has been submitted and waits for its review: a lesson can become an IAP "
            "action again once the city coordinator withdraws the submission or changes are "
            "requested."
        )
    if plan.state == ReviewState.IN_REVIEW:
        return _(
            "The IAP is in review: a lesson can become an IAP action again once the lead "
            "expert requests changes."
        )
    if plan.state == ReviewState.APPROVED:
        return _(
            "The IAP is approved: a lesson can become an IAP action again if the lead expert "
            "reopens it."
        )
    return ""


@transaction.atomic
def lesson_to_action(
    *, user: User, lesson: SsaLesson, data: dict, indicators: list[tuple[str, str, str]]
) -> PlanAction:
    """Make the lesson an action of its city's IAP and link the two, in one step.

    The plan is locked first, so that it cannot be submitted half-way; a lesson becomes
    one action only."""
    lesson = (
        SsaLesson.objects.select_for_update(of=("self",))
        .select_related("ssa__partner")
        .get(pk=lesson.pk)
    )
    ssa = lesson.ssa
    plan = ActionPlan.objects.select_for_update().get(partner_id=ssa.partner_id)
    if not user.has_perm(SmallScaleAction.change_permission, ssa.permission_object()):
        raise PermissionDenied
    if not user.has_perm("iap.edit_plan", plan):
        raise PermissionDenied(plan_closed_reason(plan))
    if lesson.action_id is not None:
        raise ValidationError(_("This lesson has already become an IAP action."))
    action = services.action_save(user=user, plan=plan, data=data, indicators=indicators)
    lesson.action = action
    lesson.save(update_fields=["action"])
    return action
