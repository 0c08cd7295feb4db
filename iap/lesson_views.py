"""The lessons of a Small Scale Action: add, change, remove one, and turn one into an action
of the city's IAP (the city's team, while the IAP may be edited)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from portal.confirmations import ConfirmPageMixin, confirmation

from . import lessons, selectors
from .forms import ActionForm
from .lesson_forms import LessonForm
from .views import SsaMixin


class LessonMixin(SsaMixin):
    """A lesson of the Small Scale Action named in the address (a new one without one)."""

    permission_required = "iap.edit_ssa"

    @cached_property
    def ssa(self):
        """With the city's plan (may the lesson become an action of it?), read at once."""
        return get_object_or_404(
            selectors.ssas_of(partner=self.partner)
            .prefetch_related(None)
            .select_related("partner__action_plan"),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def lesson(self):
        if "lesson" not in self.kwargs:
            return None
        return get_object_or_404(
            self.ssa.lesson_items.select_related("action"), pk=self.kwargs["lesson"]
        )

    def lesson_url(self, lesson):
        return f"{self.ssa.get_absolute_url()}#lesson-{lesson.pk}"

    def get_context_data(self, **kwargs):
        kwargs["lesson"] = self.lesson  # the lesson itself, not its id from the address
        return super().get_context_data(**kwargs)


class LessonFormView(LessonMixin, FormView):
    form_class = LessonForm
    template_name = "iap/form.html"

    @property
    def heading(self):
        return _("Change the lesson") if self.lesson else _("Add a lesson")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.lesson}

    def form_valid(self, form):
        lesson = lessons.lesson_save(
            user=self.request.user,
            ssa=self.ssa,
            lesson=self.lesson,
            text=form.cleaned_data["text"],
        )
        messages.success(self.request, _("The lesson has been saved."))
        return HttpResponseRedirect(self.lesson_url(lesson))


class LessonRemoveView(LessonMixin, ConfirmPageMixin, TemplateView):
    """A GET asks for confirmation; the POST removes the lesson."""

    def confirmation(self) -> dict:
        if self.lesson.action is not None:
            what = _(
                "The lesson is taken off the Small Scale Action. The IAP action “%(action)s” "
                "it became stays in the plan."
            ) % {"action": self.lesson.action.title}
        else:
            what = _("The lesson is taken off the Small Scale Action; this cannot be undone.")
        return confirmation(
            heading=_("Remove this lesson?"),
            details=[
                Truncator(self.lesson.text).chars(200),
                f"{self.partner.city}: {self.ssa.title}",
            ],
            what=what,
            told=_("Nobody is told: the Small Scale Action's page changes."),
            button=_("Remove the lesson"),
            back_url=self.lesson_url(self.lesson),
            back_label=_("Keep the lesson"),
        )

    def post(self, request, *args, **kwargs):
        lessons.lesson_remove(user=request.user, lesson=self.lesson)
        messages.success(request, _("The lesson has been removed."))
        return HttpResponseRedirect(self.ssa.get_absolute_url())


class LessonToActionView(LessonMixin, FormView):
    """One step from a lesson to an IAP action: the action's form filled in from the lesson
    (GET); the POST creates the action and links the lesson to it. While the IAP may not be
    edited (submitted, in review, approved) the page says why and offers nothing."""

    form_class = ActionForm
    template_name = "iap/lesson_action_form.html"
    heading = _("Turn the lesson into an IAP action")

    @cached_property
    def plan(self):
        return self.ssa.partner.action_plan

    def refusal(self):
        """The page saying why nothing can be done now, or None."""
        if self.lesson.action is not None:
            said = _("This lesson has already become the IAP action “%(action)s”.") % {
                "action": self.lesson.action.title
            }
            status = 200
        elif not self.request.user.has_perm("iap.edit_plan", self.plan):
            said, status = lessons.plan_closed_reason(self.plan), 403
        else:
            return None
        page = confirmation(
            heading=self.heading,
            details=[Truncator(self.lesson.text).chars(200)],
            what="",
            told="",
            button="",
            back_url=self.lesson_url(self.lesson),
            back_label=_("Back to the Small Scale Action"),
            nothing_to_do=said,
        )
        return self.response_class(
            request=self.request,
            template=["_confirm.html"],
            context=self.get_context_data(confirm=page, form=None),
            using=self.template_engine,
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return lessons.action_initial(self.lesson)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": None, "partner": self.partner}

    def form_valid(self, form):
        try:
            action = lessons.lesson_to_action(
                user=self.request.user,
                lesson=self.lesson,
                data=form.data_fields(),
                indicators=form.cleaned_data["indicators_text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The lesson has become the IAP action “%(action)s”.") % {"action": action.title},
        )
        return HttpResponseRedirect(self.lesson_url(self.lesson))
