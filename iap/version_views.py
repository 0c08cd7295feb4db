"""The submitted versions of a city's roadmap and IAP: one version in words, and any two
compared (iap.compare). Whoever may see the document sees its versions."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from . import compare, selectors
from .version_forms import CompareForm
from .views import PlanMixin, RoadmapMixin


class RoadmapDocumentMixin(RoadmapMixin):
    """The roadmap alone: its steps, history and versions are not read with it here."""

    version_url_name = "iap:version"
    compare_url_name = "iap:version_compare"

    @cached_property
    def roadmap(self):
        return get_object_or_404(
            selectors.roadmap_of_city(
                user=self.request.user, network=self.network, slug=self.kwargs["city"]
            ).prefetch_related(None)
        )

    @property
    def document(self):
        return self.roadmap


class PlanDocumentMixin(PlanMixin):
    version_url_name = "iap:plan_version"
    compare_url_name = "iap:plan_version_compare"

    @property
    def document(self):
        return self.plan


class VersionMixin:
    """What every version page knows: the document's addresses for its template."""

    def url(self, name, *args):
        return reverse(name, args=[self.network.slug, self.partner.slug, *args])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            document=self.document,
            document_url=self.document.get_absolute_url(),
            version_url_name=self.version_url_name,
            compare_url=self.url(self.compare_url_name),
            **kwargs,
        )


class VersionPageMixin(VersionMixin):
    """One submitted version, in words; a number that is not one of its versions is a
    404."""

    def get_context_data(self, **kwargs):
        version = get_object_or_404(
            self.document.versions.select_related("created_by"), number=self.kwargs["number"]
        )
        previous = (
            self.document.versions.filter(number__lt=version.number)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        return super().get_context_data(
            version=version,
            groups=compare.read_version(version),
            previous=previous,
            **kwargs,
        )


class RoadmapVersionView(VersionPageMixin, RoadmapDocumentMixin, TemplateView):
    template_name = "iap/version.html"


class PlanVersionView(VersionPageMixin, PlanDocumentMixin, TemplateView):
    template_name = "iap/plan_version.html"


class CompareMixin(VersionMixin):
    """Two versions picked in a form sent by GET (`from`, `to`); without a choice, the
    last version and the one before it; `to` alone, that version and the one before it.
    A choice that is not two different versions of the document is said on the page
    (400), never a failure."""

    template_name = "iap/compare.html"

    @cached_property
    def versions(self):
        return list(self.document.versions.order_by("number"))

    def choice(self, query):
        """What was asked; `to` alone means: with the version before it."""
        query = query.copy()
        to = query.get("to", "")
        if "from" not in query and to.isdecimal():
            before = [v.number for v in self.versions if v.number < int(to)]
            if before:
                query["from"] = str(before[-1])
        return query

    def get(self, request, *args, **kwargs):
        chosen = "from" in request.GET or "to" in request.GET
        form = None
        comparison = None
        if len(self.versions) >= 2:
            if chosen:
                form = CompareForm(self.choice(request.GET), versions=self.versions)
            else:
                first, second = self.versions[-2:]
                form = CompareForm(
                    versions=self.versions, initial={"from": first.number, "to": second.number}
                )
                comparison = compare.compare(first, second)
            if form.is_bound and form.is_valid():
                comparison = compare.compare(*form.chosen())
        context = self.get_context_data(form=form, comparison=comparison, **kwargs)
        invalid = form is not None and form.is_bound and not form.is_valid()
        return self.render_to_response(context, status=400 if invalid else 200)


class RoadmapCompareView(CompareMixin, RoadmapDocumentMixin, TemplateView):
    pass


class PlanCompareView(CompareMixin, PlanDocumentMixin, TemplateView):
    pass


class RoadmapChangesView(RoadmapDocumentMixin, View):
    """The former address of the changes between two versions, kept for the links of
    old notifications and e-mails: the compare page of the same two."""

    def get(self, request, *args, **kwargs):
        query = urlencode({"from": kwargs["older"], "to": kwargs["newer"]})
        url = reverse(self.compare_url_name, args=[self.network.slug, self.partner.slug])
        return HttpResponseRedirect(f"{url}?{query}")
