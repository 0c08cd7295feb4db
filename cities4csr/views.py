"""The front door: people go to their network, visitors see the public news."""

from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views import View

from partners import selectors
from partners.mixins import page_scopes
from portal import pagecache


class HomeView(View):
    """Public on purpose: the front door shows visitors the public news."""

    public = True
    http_method_names = ["get", "head"]

    def get(self, request):
        return pagecache.serve(
            request,
            scopes=[*page_scopes(request), pagecache.PUBLIC],
            render=lambda: self.render_page(request),
        )

    def render_page(self, request):
        if request.user.is_authenticated:
            networks = selectors.network_list_for(user=request.user)
            if len(networks) == 1:  # straight to what the person has to do there
                return redirect("progress:home", network_slug=networks[0].slug)
            return render(request, "home.html", {"networks": networks})
        return render(request, "home.html", {"networks": []})


home = HomeView.as_view()


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    return render(request, "403.html", status=403)


def error_500(request):
    """Rendered without context processors: the database may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
