"""The search page: a form in, the results the person may see out."""

from django.views.generic import TemplateView

from partners.mixins import keep_private

from . import selectors
from .forms import SearchForm
from .languages import available


class SearchView(TemplateView):
    """Anyone may search; each person finds only what they may see (a visitor who is not
    logged in: the published news), so the page asks no permission of its own."""

    public = True
    template_name = "search/results.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        context = {"form": form, "results": None, "page_obj": None, "available": available()}
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            results = selectors.search(
                user=request.user, text=form.cleaned_data["q"], kind=form.cleaned_data["kind"]
            )
            context["results"] = results
            context["page_obj"] = results.page(request.GET.get("page"))
        return keep_private(self.render_to_response(self.get_context_data(**context)))
