"""Pages of the roadmaps, plans and Small Scale Actions: form in, one service call, redirect.

Every city is fetched through `selectors.cities_whose_plans_are_visible_to`, so another
city's plans answer 404; each view then asks its permission on the roadmap, the city or
the Small Scale Action.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkPermissionMixin
from portal.confirmations import ConfirmPageMixin, confirmation
from portal.views import VersionedFormViewMixin

from . import exports, lessons, rubric, selectors, services
from .filters import ActionFilter, RoadmapFilter, SsaFilter
from .forms import (
    ActionForm,
    SectionForm,
    SsaFileForm,
    SsaForm,
    StepForm,
    ssa_indicator_formset,
)


class ReviewQueueView(NetworkPermissionMixin, TemplateView):
    """Every city's roadmap, plan and Small Scale Actions, for whoever sees every city: the
    reviewers see what waits for them first; the programme officer, who reviews nothing,
    sees the cities by name."""

    permission_required = "iap.view_all_cities"
    template_name = "iap/review_queue.html"

    def get_permission_object(self):
        return self.network

    def get_context_data(self, **kwargs):
        reviews = self.request.user.has_perm("iap.view_review_queue", self.network)
        rows, deadline = selectors.review_queue(
            user=self.request.user, network=self.network, by_city=not reviews
        )
        return super().get_context_data(rows=rows, deadline=deadline, reviews=reviews, **kwargs)


# A city's roadmap ------------------------------------------------------------------------


class CityMixin(NetworkPermissionMixin):
    """A city whose plans the person may see; any other is a 404."""

    @cached_property
    def partner(self):
        return get_object_or_404(
            selectors.cities_whose_plans_are_visible_to(
                user=self.request.user, network=self.network
            ),
            slug=self.kwargs["city"],
        )

    def get_permission_object(self):
        return self.partner

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)


class RoadmapMixin(CityMixin):
    """The city's roadmap, read with the city in one query; any other city is a 404."""

    permission_required = "iap.view_roadmap"

    @cached_property
    def roadmap(self):
        return get_object_or_404(
            selectors.roadmap_of_city(
                user=self.request.user, network=self.network, slug=self.kwargs["city"]
            )
        )

    @cached_property
    def partner(self):
        return self.roadmap.partner

    def get_permission_object(self):
        return self.roadmap

    def get_context_data(self, **kwargs):
        return super().get_context_data(roadmap=self.roadmap, **kwargs)


class RoadmapView(RoadmapMixin, TemplateView):
    template_name = "iap/roadmap.html"

    def get_context_data(self, **kwargs):
        threads = selectors.threads_of(user=self.request.user, document=self.roadmap)
        return super().get_context_data(
            threads_by_part=selectors.threads_by_part(threads),
            open_on_parts=selectors.open_threads_on_parts(threads),
            transitions=list(self.roadmap.transitions.all()),
            versions=list(self.roadmap.versions.all()),
            deadline=self.roadmap.deadline,
            **kwargs,
        )


class StepMixin(RoadmapMixin):
    permission_required = "iap.edit_roadmap"

    @cached_property
    def step(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.roadmap.steps.all(), pk=self.kwargs["pk"])


class StepFormView(VersionedFormViewMixin, StepMixin, FormView):
    form_class = StepForm
    template_name = "iap/form.html"
    heading = _("Roadmap step")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.step}

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.step_save(
                user=self.request.user,
                roadmap=self.roadmap,
                step=self.step,
                data=form.data_fields(),
                version=form.cleaned_data.get("version"),
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The step has been saved."))
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class StepDeleteView(StepMixin, TemplateView):
    """A GET asks for confirmation (`templates/_confirm.html`); the POST removes the step."""

    template_name = "_confirm.html"

    def get_context_data(self, **kwargs):
        confirm = {
            "heading": _("Remove the step “%(title)s”?") % {"title": self.step.title},
            "details": [_("%(city)s: IAP roadmap") % {"city": self.partner.city}],
            "what": _(
                "The step is taken off the roadmap. The versions already submitted keep it "
                "as it was."
            ),
            "told": _("Nobody is e-mailed: the roadmap's page changes."),
            "button": _("Remove the step"),
            "back_url": self.roadmap.get_absolute_url(),
            "back_label": _("Keep the step"),
        }
        return super().get_context_data(confirm=confirm, **kwargs)

    def post(self, request, *args, **kwargs):
        services.step_delete(user=request.user, step=self.step)
        messages.success(request, _("The step has been removed."))
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class RoadmapExportView(RoadmapMixin, View):
    def get(self, request, *args, **kwargs):
        if kwargs["format"] == "pdf":
            return exports.roadmap_pdf(request, self.roadmap)
        if kwargs["format"] == "csv":
            return exports.roadmap_csv(self.roadmap)
        raise Http404


# The Integrated Action Plan --------------------------------------------------------------


class PlanMixin(CityMixin):
    """The city's plan, read with the city in one query; its rules are asked on the city."""

    permission_required = "iap.view_plan"

    @cached_property
    def plan(self):
        return get_object_or_404(
            selectors.plan_of_city(
                user=self.request.user, network=self.network, slug=self.kwargs["city"]
            )
        )

    @cached_property
    def partner(self):
        return self.plan.partner

    def get_permission_object(self):
        return self.plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanView(PlanMixin, TemplateView):
    template_name = "iap/plan.html"

    @cached_property
    def plan(self):
        """The plan with its history and versions, read with it."""
        return get_object_or_404(
            selectors.with_history(
                selectors.plan_of_city(
                    user=self.request.user, network=self.network, slug=self.kwargs["city"]
                )
            )
        )

    def get_context_data(self, **kwargs):
        sections = selectors.sections_of(plan=self.plan)
        actions = list(selectors.action_table_of(plan=self.plan))
        threads = selectors.threads_of(
            user=self.request.user, document=self.plan, sections=sections
        )
        by_part = selectors.threads_by_part(threads)
        return super().get_context_data(
            sections=sections,
            actions=actions,
            actions_commented=[a for a in actions if f"action-{a.pk}" in by_part],
            threads_by_part=by_part,
            open_on_parts=selectors.open_threads_on_parts(threads),
            transitions=selectors.history_of(self.plan),
            versions=selectors.versions_of(self.plan),
            rubric=rubric.scores_of(plan=self.plan)
            if self.request.user.has_perm("iap.view_review_plan", self.plan)
            else None,
            **kwargs,
        )


class SectionMixin(PlanMixin):
    @cached_property
    def section(self):
        return get_object_or_404(self.plan.sections.all(), kind=self.kwargs["kind"])


class SectionEditView(VersionedFormViewMixin, SectionMixin, FormView):
    permission_required = "iap.edit_plan"
    form_class = SectionForm
    template_name = "iap/form.html"

    @property
    def heading(self):
        return self.section.get_kind_display()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.section}

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.section_save(
                user=self.request.user,
                section=self.section,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The section has been saved."))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class ActionFormView(VersionedFormViewMixin, PlanMixin, FormView):
    permission_required = "iap.edit_plan"
    form_class = ActionForm
    template_name = "iap/action_form.html"
    heading = _("IAP action")

    @cached_property
    def action(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.plan.actions.all(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action, "partner": self.partner}

    def get_context_data(self, **kwargs):
        learnt = self.action.source_lessons.select_related("ssa") if self.action else ()
        return super().get_context_data(source_lessons=learnt, **kwargs)

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.action_save(
                user=self.request.user,
                plan=self.plan,
                action=self.action,
                data=form.data_fields(),
                indicators=form.cleaned_data["indicators_text"],
                version=form.cleaned_data.get("version"),
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The action has been saved."))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class PlanExportView(PlanMixin, View):
    def get(self, request, *args, **kwargs):
        if kwargs["format"] == "pdf":
            return exports.plan_pdf(request, self.plan)
        if kwargs["format"] == "csv":
            return exports.plan_csv(self.plan)
        raise Http404


# Small Scale Actions ---------------------------------------------------------------------


class SsaListView(CityMixin, TemplateView):
    permission_required = "iap.view_ssa"
    template_name = "iap/ssa_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(ssas=selectors.ssas_of(partner=self.partner), **kwargs)


class SsaMixin(CityMixin):
    """One Small Scale Action of the city, whose rules are asked on it (on the city for a
    new one)."""

    permission_required = "iap.view_ssa"

    @cached_property
    def ssa(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.ssas_of(partner=self.partner), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.ssa or self.partner

    def get_context_data(self, **kwargs):
        return super().get_context_data(ssa=self.ssa, **kwargs)


class SsaDetailView(SsaMixin, TemplateView):
    """The Small Scale Action, its results against its indicators, its photos, and its
    lessons, each with the IAP action it became (or may become)."""

    template_name = "iap/ssa_detail.html"

    @cached_property
    def ssa(self):
        return get_object_or_404(selectors.ssa_page_of(partner=self.partner), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        plan = self.ssa.partner.action_plan
        return super().get_context_data(
            plan=plan, plan_closed=lessons.plan_closed_reason(plan), **kwargs
        )


class SsaFormView(VersionedFormViewMixin, SsaMixin, FormView):
    """The Small Scale Action with its indicators, saved together (a stale save is refused,
    the person's rows kept)."""

    permission_required = "iap.edit_ssa"
    form_class = SsaForm
    template_name = "iap/ssa_form.html"
    heading = _("Small Scale Action")

    @cached_property
    def indicators(self):
        """The indicators' rows; unbound (left as they are) when a POST sends none."""
        sent = self.request.method == "POST" and "indicators-TOTAL_FORMS" in self.request.POST
        return ssa_indicator_formset(self.request.POST if sent else None, ssa=self.ssa)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.ssa, "partner": self.partner}

    def get_context_data(self, **kwargs):
        conflict = kwargs.get("conflict_current")
        if conflict is not None:
            kwargs["conflict_current"] = [*conflict, (gettext("Indicators"), self.saved_rows)]
        return super().get_context_data(indicators=self.indicators, **kwargs)

    def render_conflict(self, form, current):
        self.saved_rows = "\n".join(
            gettext("%(indicator)s: target %(target)s, result %(result)s")
            % {"indicator": i.name, "target": i.target or "?", "result": i.result or "?"}
            for i in current.indicators.all()
        )
        return super().render_conflict(form, current)

    def form_valid(self, form):
        indicators = self.indicators
        if indicators.is_bound and not indicators.is_valid():
            return self.form_invalid(form)
        conflict = self.save_or_conflict(
            form,
            lambda: services.ssa_save(
                user=self.request.user,
                partner=self.partner,
                ssa=self.ssa,
                data=form.data_fields(),
                version=form.cleaned_data.get("version"),
                indicators=indicators.rows() if indicators.is_bound else None,
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The Small Scale Action has been saved."))
        return HttpResponseRedirect(self.saved.get_absolute_url())


class SsaFileUploadView(SsaMixin, FormView):
    permission_required = "iap.edit_ssa"
    form_class = SsaFileForm
    template_name = "iap/form.html"
    heading = _("Add a photo or document")

    def form_valid(self, form):
        services.ssa_file_add(
            user=self.request.user,
            ssa=self.ssa,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(self.request, _("The file has been added."))
        return HttpResponseRedirect(self.ssa.get_absolute_url())


class SsaFileDownloadView(SsaMixin, View):
    def get(self, request, *args, **kwargs):
        item = get_object_or_404(self.ssa.files.all(), pk=kwargs["file"])
        try:
            return FileResponse(item.file.open("rb"), filename=item.filename)
        except FileNotFoundError as exc:
            raise Http404 from exc


class SsaFileMixin(SsaMixin):
    """One photo or document of the Small Scale Action."""

    @cached_property
    def item(self):
        return get_object_or_404(self.ssa.files.all(), pk=self.kwargs["file"])


class SsaFileThumbnailView(SsaFileMixin, View):
    """A photo's thumbnail, for the gallery: asks what the photo itself asks."""

    def get(self, request, *args, **kwargs):
        if not self.item.thumbnail:
            raise Http404
        try:
            handle = self.item.thumbnail.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, content_type="image/jpeg", filename="thumbnail.jpg")


class SsaFileRemoveView(SsaFileMixin, ConfirmPageMixin, TemplateView):
    """A GET asks for confirmation; the POST removes the file."""

    permission_required = "iap.remove_ssa_file"

    def confirmation(self) -> dict:
        return confirmation(
            heading=_("Remove “%(title)s”?") % {"title": self.item.title},
            details=[self.item.filename, f"{self.partner.city}: {self.ssa.title}"],
            what=_(
                "The file and its thumbnail are deleted from the Small Scale Action for "
                "everyone; this cannot be undone."
            ),
            told=_("Nobody is told: the Small Scale Action's page changes."),
            button=_("Remove the file"),
            back_url=self.ssa.get_absolute_url(),
            back_label=_("Keep the file"),
        )

    def post(self, request, *args, **kwargs):
        title = self.item.title
        services.ssa_file_remove(user=request.user, item=self.item)
        messages.success(request, _("“%(title)s” has been removed.") % {"title": title})
        return HttpResponseRedirect(self.ssa.get_absolute_url())


# Overviews across cities -----------------------------------------------------------------


class OverviewMixin(NetworkPermissionMixin):
    """One overview across the cities, filtered by city and state: its page and its
    exports read the same rows through the same selector."""

    permission_required = "iap.view_all_cities"
    #: Set by each overview: its name (`overview`, in its URL names), its heading, its
    #: filter form, its selector (`select`, a staticmethod), its tables (`sheets`) and the
    #: name of its files.
    overview = ""
    heading = ""
    filter_class = None
    file_name = ""

    @property
    def export_url_name(self):
        return f"iap:overview_{self.overview}_export"

    def get_permission_object(self):
        return self.network

    @cached_property
    def cities(self):
        return list(
            selectors.cities_whose_plans_are_visible_to(
                user=self.request.user, network=self.network
            ).order_by("city", "pk")
        )

    @cached_property
    def filters(self):
        return self.filter_class(self.request.GET, cities=self.cities)

    def rows(self):
        return self.select(user=self.request.user, network=self.network, **self.filters.chosen())

    def sheets(self, rows):
        raise NotImplementedError


class OverviewPageView(OverviewMixin, TemplateView):
    """The page: the filters, one page of rows, links to the exports with the same filters.
    Filters that are not on the lists are said so, with 400."""

    paginate_by = 50

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if self.filters.is_valid() else 400)

    def get_context_data(self, **kwargs):
        page = None
        if self.filters.is_valid():
            page = Paginator(self.rows(), self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(filters=self.filters, page=page, **kwargs)


class OverviewExportView(OverviewMixin, View):
    """The rows of the page (all of them, not one page) as CSV or XLSX."""

    def get(self, request, *args, **kwargs):
        if kwargs["format"] not in ("csv", "xlsx"):
            raise Http404
        if not self.filters.is_valid():
            return HttpResponseBadRequest(
                gettext("Choose the city and the state from the lists of the overview."),
                content_type="text/plain; charset=utf-8",
            )
        name = f"{self.network.slug}-{self.file_name}"
        return exports.sheets_download(kwargs["format"], name, self.sheets(self.rows()))


class RoadmapOverviewMixin(OverviewMixin):
    overview = "roadmaps"
    heading = _("All roadmaps")
    filter_class = RoadmapFilter
    select = staticmethod(selectors.roadmaps_overview)
    file_name = "roadmaps"

    def sheets(self, rows):
        return [exports.roadmaps_sheet(rows)]


class ActionOverviewMixin(OverviewMixin):
    overview = "actions"
    heading = _("All IAP actions and budgets")
    filter_class = ActionFilter
    select = staticmethod(selectors.actions_overview)
    file_name = "iap-actions"

    def sheets(self, rows):
        return exports.actions_sheets(rows, selectors.budgets_of(actions=rows))


class SsaOverviewMixin(OverviewMixin):
    overview = "ssas"
    heading = _("All Small Scale Actions")
    filter_class = SsaFilter
    select = staticmethod(selectors.ssas_overview)
    file_name = "small-scale-actions"

    def sheets(self, rows):
        return [exports.ssas_sheet(rows)]


class RoadmapOverviewView(RoadmapOverviewMixin, OverviewPageView):
    template_name = "iap/overview_roadmaps.html"


class RoadmapOverviewExportView(RoadmapOverviewMixin, OverviewExportView):
    pass


class ActionOverviewView(ActionOverviewMixin, OverviewPageView):
    template_name = "iap/overview_actions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page"] is not None:
            context["budgets"] = selectors.budgets_of(actions=self.rows())
        return context


class ActionOverviewExportView(ActionOverviewMixin, OverviewExportView):
    pass


class SsaOverviewView(SsaOverviewMixin, OverviewPageView):
    template_name = "iap/overview_ssas.html"


class SsaOverviewExportView(SsaOverviewMixin, OverviewExportView):
    pass
