"""The two reference pages: the least a Django view can do, and a typical table page."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render

CITIES = ["Milan", "Sofia", "Vratsa", "Ķekava", "Rijeka", "Guimarães", "Nantes", "Budaörs"]


def hello(request):
    return HttpResponse("Hello")


def rows(request):
    start = dt.datetime(2021, 3, 1, 9, 30, tzinfo=dt.UTC)
    items = [
        {
            "id": n,
            "name": f"Meeting {n} on corporate social responsibility",
            "city": CITIES[n % len(CITIES)],
            "date": start + dt.timedelta(days=7 * n),
            "url": f"/items/{n}/",
        }
        for n in range(1, 51)
    ]
    return render(request, "rows.html", {"items": items})
