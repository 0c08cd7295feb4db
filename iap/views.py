from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkMixin, NetworkPermissionMixin

from . import exports, selectors, services
from .enums import SectionKind
from .forms import (
    ActionForm,
    CommentForm,
    DeadlineForm,
    SectionCommentForm,
    SectionForm,
    SsaFileForm,
    SsaForm,
    StepForm,
    TransitionForm,
)
from .models import IapSettings, Indicator, PlanAction, SectionComment, SmallScaleAction

TRANSITIONS = {
    "submit": lambda roadmap, user, comment: services.roadmap_submit(
        roadmap=roadmap, user=user, comment=comment
    ),
    "start_review": lambda roadmap, user, comment: services.roadmap_start_review(
        roadmap=roadmap, user=user
    ),
    "request_changes": lambda roadmap, user, comment: services.roadmap_request_changes(
        roadmap=roadmap, user=user, comment=comment
    ),
    "approve": lambda roadmap, user, comment: services.roadmap_approve(
        roadmap=roadmap, user=user, comment=comment
    ),
    "reopen": lambda roadmap, user, comment: services.roadmap_reopen(
        roadmap=roadmap, user=user, reason=comment
    ),
}
CONFLICT = _(
    "Someone else saved this in the meantime. Their version is shown below; your text is "
    "kept in the form. Compare, then save again."
)


def conflict_response(view, form, current, names):
    """Refuse a stale save: keep the person's input, show what is saved now."""
    form.add_error(None, CONFLICT)
    saved = [(form.fields[n].label if n in form.fields else n, getattr(current, n)) for n in names]
    return view.render_to_response(view.get_context_data(form=form, current=saved))


class ReviewQueueView(NetworkPermissionMixin, TemplateView):
    permission_required = "iap.view_review_queue"
    template_name = "iap/review_queue.html"

    def get_permission_object(self):
        return self.network

    def get_context_data(self, **kwargs):
        rows, deadline = selectors.review_queue(network=self.network)
        return super().get_context_data(rows=rows, deadline=deadline, **kwargs)


class DeadlineView(NetworkPermissionMixin, FormView):
    permission_required = "iap.set_deadline"
    form_class = DeadlineForm
    template_name = "iap/form.html"
    heading = _("IAP roadmap deadline")

    def get_permission_object(self):
        return self.network

    def get_form_kwargs(self):
        instance, _created = IapSettings.objects.get_or_create(network=self.network)
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The deadline has been saved."))
        return HttpResponseRedirect(self.request.path.replace("deadline/", ""))


class CityMixin(NetworkMixin):
    """A city whose plans the person may see (404 otherwise), and its roadmap."""

    @cached_property
    def partner(self):
        return selectors.city_for(
            user=self.request.user, network=self.network, slug=self.kwargs["city"]
        )

    @cached_property
    def roadmap(self):
        services.roadmap_for(partner=self.partner)
        return selectors.roadmap_with_details(partner=self.partner)

    def require(self, permission, obj=None):
        if not self.request.user.has_perm(permission, obj if obj is not None else self.roadmap):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, roadmap=self.roadmap, **kwargs)


class RoadmapView(CityMixin, TemplateView):
    template_name = "iap/roadmap.html"

    def get_context_data(self, **kwargs):
        comments = list(self.roadmap.comments.all())
        return super().get_context_data(
            comments=comments,
            transitions=list(self.roadmap.transitions.all()),
            versions=list(self.roadmap.versions.all()),
            deadline=selectors.roadmap_deadline(network=self.network),
            comment_form=CommentForm(roadmap=self.roadmap),
            **kwargs,
        )


class RoadmapTransitionView(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            TRANSITIONS[form.cleaned_data["action"]](
                self.roadmap, request.user, form.cleaned_data["comment"]
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Done: the roadmap is now %(state)s.")
                % {
                    "state": type(self.roadmap)
                    .objects.get(pk=self.roadmap.pk)
                    .get_state_display()
                    .lower()
                },
            )
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class RoadmapCommentView(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require("iap.comment_roadmap")
        form = CommentForm(request.POST, roadmap=self.roadmap)
        if form.is_valid():
            services.roadmap_comment(
                roadmap=self.roadmap,
                user=request.user,
                body=form.cleaned_data["body"],
                step=form.cleaned_data["step"],
            )
            messages.success(request, _("Your comment has been added."))
        else:
            messages.error(request, _("Write a comment."))
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class StepFormView(CityMixin, FormView):
    form_class = StepForm
    template_name = "iap/form.html"
    heading = _("Roadmap step")

    @cached_property
    def step(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.roadmap.steps.all(), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require("iap.edit_roadmap")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.step}

    def form_valid(self, form):
        try:
            services.step_save(
                roadmap=self.roadmap,
                user=self.request.user,
                data=form.data_fields(),
                step=self.step,
                version=form.cleaned_data.get("version"),
            )
        except services.ConflictError as conflict:
            return conflict_response(self, form, conflict.current, StepForm.Meta.fields)
        messages.success(self.request, _("The step has been saved."))
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class StepDeleteView(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        step = get_object_or_404(self.roadmap.steps.all(), pk=kwargs["pk"])
        services.step_delete(roadmap=self.roadmap, user=request.user, step=step)
        messages.success(request, _("The step has been removed."))
        return HttpResponseRedirect(self.roadmap.get_absolute_url())


class VersionView(CityMixin, TemplateView):
    template_name = "iap/version.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(self.roadmap.versions.all(), number=self.kwargs["number"])
        return super().get_context_data(version=version, **kwargs)


class VersionDiffView(CityMixin, TemplateView):
    template_name = "iap/version_diff.html"

    def get_context_data(self, **kwargs):
        versions = self.roadmap.versions.all()
        older = get_object_or_404(versions, number=kwargs.pop("older"))
        newer = get_object_or_404(versions, number=kwargs.pop("newer"))
        return super().get_context_data(
            older=older, newer=newer, changes=services.version_diff(older, newer), **kwargs
        )


class RoadmapExportView(CityMixin, View):
    def get(self, request, *args, **kwargs):
        if kwargs["format"] == "pdf":
            return exports.roadmap_pdf(request, self.roadmap)
        if kwargs["format"] == "csv":
            return exports.roadmap_csv(self.roadmap)
        raise Http404


# The Integrated Action Plan --------------------------------------------------------------


class PlanMixin(CityMixin):
    @cached_property
    def plan(self):
        return services.plan_for(partner=self.partner)

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanView(PlanMixin, TemplateView):
    template_name = "iap/plan.html"

    def get_context_data(self, **kwargs):
        order = {kind: n for n, kind in enumerate(SectionKind.values)}
        sections = sorted(
            self.plan.sections.prefetch_related("comments__author"), key=lambda s: order[s.kind]
        )
        return super().get_context_data(
            sections=sections,
            actions=selectors.actions_of(plan=self.plan),
            comment_form=SectionCommentForm(),
            **kwargs,
        )


class SectionEditView(PlanMixin, FormView):
    form_class = SectionForm
    template_name = "iap/form.html"

    @cached_property
    def section(self):
        return get_object_or_404(self.plan.sections.all(), kind=self.kwargs["kind"])

    @property
    def heading(self):
        return self.section.get_kind_display()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require("iap.edit_plan", self.partner)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"body": self.section.body, "version": self.section.version}

    def form_valid(self, form):
        try:
            services.section_save(
                section=self.section,
                user=self.request.user,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            )
        except services.ConflictError as conflict:
            return conflict_response(self, form, conflict.current, ["body"])
        messages.success(self.request, _("The section has been saved."))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class SectionCommentView(PlanMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require("iap.comment_plan", self.partner)
        section = get_object_or_404(self.plan.sections.all(), kind=kwargs["kind"])
        form = SectionCommentForm(request.POST)
        if form.is_valid():
            SectionComment.objects.create(
                section=section, author=request.user, body=form.cleaned_data["body"]
            )
            from partners.services import notify

            notify(
                recipients=services._city_team(self.partner),
                title=_("Comment on the IAP section “%(section)s”")
                % {"section": section.get_kind_display()},
                body=form.cleaned_data["body"],
                url=self.plan.get_absolute_url(),
                network=self.network,
                email=True,
            )
            messages.success(request, _("Your comment has been added."))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class PlanStatusView(PlanMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require("iap.edit_plan", self.partner)
        status = request.POST.get("status")
        if status in ("drafting", "final"):
            type(self.plan).objects.filter(pk=self.plan.pk).update(status=status)
            messages.success(request, _("The plan's status has been saved."))
        return HttpResponseRedirect(self.plan.get_absolute_url())


class ActionFormView(PlanMixin, FormView):
    form_class = ActionForm
    template_name = "iap/form.html"
    heading = _("IAP action")

    @cached_property
    def action(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.plan.actions.all(), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require("iap.edit_plan", self.partner)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action, "partner": self.partner}

    def form_valid(self, form):
        data = form.data_fields()
        stakeholders = data.pop("stakeholders")
        try:
            with transaction.atomic():
                if self.action is None:
                    action = PlanAction.objects.create(plan=self.plan, **data)
                else:
                    action = services.versioned_save(
                        obj=self.action,
                        user=self.request.user,
                        data=data,
                        version=form.cleaned_data.get("version"),
                        partner=self.partner,
                    )
                action.stakeholders.set(stakeholders)
                action.indicators.all().delete()
                Indicator.objects.bulk_create(
                    Indicator(action=action, name=n, baseline=b, target=t)
                    for n, b, t in form.cleaned_data["indicators_text"]
                )
        except services.ConflictError as conflict:
            return conflict_response(self, form, conflict.current, ["title", "objective", "budget"])
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
    template_name = "iap/ssa_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(ssas=selectors.ssas_of(partner=self.partner), **kwargs)


class SsaMixin(CityMixin):
    @cached_property
    def ssa(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.ssas_of(partner=self.partner), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(ssa=self.ssa, **kwargs)


class SsaDetailView(SsaMixin, TemplateView):
    template_name = "iap/ssa_detail.html"


class SsaFormView(SsaMixin, FormView):
    form_class = SsaForm
    template_name = "iap/form.html"
    heading = _("Small Scale Action")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require("iap.edit_plan", self.partner)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.ssa, "partner": self.partner}

    def form_valid(self, form):
        data = form.data_fields()
        stakeholders = data.pop("stakeholders")
        try:
            with transaction.atomic():
                if self.ssa is None:
                    ssa = SmallScaleAction.objects.create(partner=self.partner, **data)
                else:
                    ssa = services.versioned_save(
                        obj=self.ssa,
                        user=self.request.user,
                        data=data,
                        version=form.cleaned_data.get("version"),
                        partner=self.partner,
                    )
                ssa.stakeholders.set(stakeholders)
        except services.ConflictError as conflict:
            return conflict_response(self, form, conflict.current, ["title", "status", "results"])
        messages.success(self.request, _("The Small Scale Action has been saved."))
        return HttpResponseRedirect(ssa.get_absolute_url())


class SsaFileUploadView(SsaMixin, FormView):
    form_class = SsaFileForm
    template_name = "iap/form.html"
    heading = _("Add a photo or document")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require("iap.edit_plan", self.partner)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.instance.ssa = self.ssa
        form.save()
        messages.success(self.request, _("The file has been added."))
        return HttpResponseRedirect(self.ssa.get_absolute_url())


class SsaFileDownloadView(SsaMixin, View):
    def get(self, request, *args, **kwargs):
        item = get_object_or_404(self.ssa.files.all(), pk=kwargs["file"])
        try:
            return FileResponse(item.file.open("rb"), filename=item.filename)
        except FileNotFoundError as exc:
            raise Http404 from exc
