"""The review of a city's roadmap and of its IAP: the engine's pages (reviews.views),
given the document of the city named in the address, and the parts a thread may be on."""

from django.http import Http404
from django.views import View

from reviews.mixins import ThreadActionViewMixin, ThreadOpenViewMixin, TransitionViewMixin

from .enums import SectionKind
from .views import PlanMixin, RoadmapMixin


class RoadmapDocumentMixin(RoadmapMixin):
    @property
    def document(self):
        return self.roadmap


class PlanDocumentMixin(PlanMixin):
    @property
    def document(self):
        return self.plan


class RoadmapTransitionView(TransitionViewMixin, RoadmapDocumentMixin, View):
    pass


class PlanTransitionView(TransitionViewMixin, PlanDocumentMixin, View):
    pass


class RoadmapThreadOpenView(ThreadOpenViewMixin, RoadmapDocumentMixin, View):
    def anchor_for(self, part: str):
        """ "step-<id>": a step of this roadmap; anything else is a 404."""
        kind, _sep, pk = part.partition("-")
        step = self.roadmap.steps.filter(pk=pk).first() if kind == "step" and pk.isdigit() else None
        if step is None:
            raise Http404
        return step


class PlanThreadOpenView(ThreadOpenViewMixin, PlanDocumentMixin, View):
    def anchor_for(self, part: str):
        """ "section-<kind>" or "action-<id>" of this plan; anything else is a 404."""
        kind, _sep, key = part.partition("-")
        found = None
        if kind == "section" and key in SectionKind.values:
            found = self.plan.sections.filter(kind=key).first()
        elif kind == "action" and key.isdigit():
            found = self.plan.actions.filter(pk=key).first()
        if found is None:
            raise Http404
        return found


THREAD_ACTIONS = {"reply": "reply", "answered": "answered", "resolve": "resolve"}


class ThreadActionMixin(ThreadActionViewMixin):
    @property
    def thread_action(self):
        try:
            return THREAD_ACTIONS[self.kwargs["what"]]
        except KeyError:
            raise Http404 from None


class RoadmapThreadActionView(ThreadActionMixin, RoadmapDocumentMixin, View):
    pass


class PlanThreadActionView(ThreadActionMixin, PlanDocumentMixin, View):
    pass
