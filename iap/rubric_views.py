"""The network's rubric page (the coordinator and the lead expert set the criteria), and
the page where a reviewer scores a plan's latest version against it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkPermissionMixin
from portal.confirmations import ConfirmPageMixin, confirmation

from . import rubric
from .rubric_forms import CriterionForm, ScoreForm
from .views import PlanMixin

MOVED = {rubric.UP: _("“%(title)s” moved up."), rubric.DOWN: _("“%(title)s” moved down.")}
AT_THE_END = {
    rubric.UP: _("“%(title)s” is already the first criterion."),
    rubric.DOWN: _("“%(title)s” is already the last criterion."),
}


class RubricMixin(NetworkPermissionMixin):
    """A page of the network's rubric; a criterion of another network is a 404."""

    permission_required = "iap.manage_rubric"

    def rubric_url(self, criterion=None):
        url = reverse("iap:rubric", args=[self.network.slug])
        return f"{url}#criterion-{criterion.pk}" if criterion is not None else url

    @cached_property
    def criterion(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            rubric.criteria_of(network=self.network).select_related("network"),
            pk=self.kwargs["pk"],
        )


class RubricView(RubricMixin, TemplateView):
    template_name = "iap/rubric.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            criteria=list(rubric.criteria_of(network=self.network)), **kwargs
        )


class CriterionFormView(RubricMixin, FormView):
    form_class = CriterionForm
    template_name = "iap/rubric_form.html"

    @property
    def heading(self):
        if self.criterion is None:
            return _("New criterion of the rubric")
        return _("Change the criterion “%(title)s”") % {"title": self.criterion.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.criterion, "network": self.network}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.rubric_url(self.criterion), **kwargs)

    def form_valid(self, form):
        try:
            saved = rubric.criterion_save(
                user=self.request.user,
                network=self.network,
                criterion=self.criterion,
                data=form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        text = (
            _("The criterion “%(title)s” has been added to the rubric.")
            if self.criterion is None
            else _("The criterion “%(title)s” has been saved.")
        )
        messages.success(self.request, text % {"title": saved.title})
        return HttpResponseRedirect(self.rubric_url(saved))


class CriterionRemoveView(RubricMixin, ConfirmPageMixin, TemplateView):
    """A GET asks for confirmation; the POST removes the criterion."""

    def confirmation(self) -> dict:
        count = self.criterion.score_count
        return confirmation(
            heading=_("Remove the criterion “%(title)s”?") % {"title": self.criterion.title},
            details=[_("%(network)s: IAP rubric") % {"network": self.network.acronym}],
            what=(
                _(
                    "The criterion is taken off the rubric: no version will be scored against "
                    "it any more. The scores already given stay, under its title, with the "
                    "versions they were given for."
                )
                if count
                else _(
                    "The criterion is taken off the rubric: no version will be scored against "
                    "it any more. No score has been given against it yet."
                )
            ),
            told=_("Nobody is told: the rubric and the plans' pages change."),
            button=_("Remove the criterion"),
            back_url=self.rubric_url(self.criterion),
            back_label=_("Keep the criterion"),
        )

    def post(self, request, *args, **kwargs):
        title = self.criterion.title
        rubric.criterion_remove(user=request.user, criterion=self.criterion)
        messages.success(
            request, _("The criterion “%(title)s” has been removed.") % {"title": title}
        )
        return HttpResponseRedirect(self.rubric_url())


class CriterionMoveView(RubricMixin, View):
    """Swap the criterion with the one before it (`direction=up`) or after it (`down`)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction not in rubric.DIRECTIONS:
            return HttpResponseBadRequest(
                gettext("Move a criterion up or down."), content_type="text/plain; charset=utf-8"
            )
        moved = rubric.criterion_move(
            user=request.user, criterion=self.criterion, direction=direction
        )
        text = (MOVED if moved else AT_THE_END)[direction] % {"title": self.criterion.title}
        (messages.success if moved else messages.info)(request, text)
        return HttpResponseRedirect(self.rubric_url(self.criterion))


class PlanScoreView(PlanMixin, FormView):
    """The reviewer scores the plan's latest version against each criterion of the
    network's rubric; scoring it again changes its scores."""

    permission_required = "iap.score_plan"
    form_class = ScoreForm
    template_name = "iap/plan_score.html"

    @cached_property
    def version(self):
        version = rubric.latest_version_of(self.plan)
        if version is None:
            raise Http404
        return version

    @cached_property
    def table(self):
        return rubric.scores_of(plan=self.plan)

    @property
    def criteria(self):
        return self.table.criteria

    def rows_by_criterion(self):
        return {row.criterion_id: row for row in self.table.rows if row.criterion_id}

    def get_form_kwargs(self):
        given = {}
        for pk, row in self.rows_by_criterion().items():
            cell = row.latest
            if cell is not None and cell.version == self.version.number:
                given[pk] = (cell.level, cell.comment)
        return {
            **super().get_form_kwargs(),
            "criteria": self.criteria,
            "version": self.version.number,
            "given": given,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(version=self.version, **kwargs)
        rows = self.rows_by_criterion()
        context["items"] = [
            (criterion, level, comment, rows[criterion.pk].latest_before(self.version.number))
            for criterion, level, comment in context["form"].rows
        ]
        context["table"] = self.table
        return context

    def form_valid(self, form):
        try:
            version = rubric.score_save(
                user=self.request.user,
                plan=self.plan,
                version=form.cleaned_data["version"],
                levels=form.levels(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "Your scores of version %(n)d of %(city)s's IAP have been saved; the city "
                "sees them on its plan."
            )
            % {"n": version.number, "city": self.partner.city},
        )
        return HttpResponseRedirect(f"{self.plan.get_absolute_url()}#rubric")
