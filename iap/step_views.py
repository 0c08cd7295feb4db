"""The order of a roadmap's steps: "Move up" and "Move down" buttons, one POST each, that
work from the keyboard and without JavaScript."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from .step_order import DIRECTIONS, DOWN, UP, step_move
from .views import StepMixin

#: What the city is told: the step moved, or it was already at that end of the roadmap.
MOVED = {UP: _("“%(title)s” moved up."), DOWN: _("“%(title)s” moved down.")}
AT_THE_END = {
    UP: _("“%(title)s” is already the first step."),
    DOWN: _("“%(title)s” is already the last step."),
}


class StepMoveView(StepMixin, View):
    """Swap the step with the one before it (`direction=up`) or after it (`down`); a step
    of another roadmap, or one removed meanwhile, is a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction not in DIRECTIONS:
            return HttpResponseBadRequest(
                gettext("Move a step up or down."), content_type="text/plain; charset=utf-8"
            )
        moved = step_move(user=request.user, step=self.step, direction=direction)
        text = (MOVED if moved else AT_THE_END)[direction] % {"title": self.step.title}
        (messages.success if moved else messages.info)(request, text)
        return HttpResponseRedirect(f"{self.roadmap.get_absolute_url()}#step-{self.step.pk}")
