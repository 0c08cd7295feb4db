"""The two reference pages: the least a Django view can do, and a plain 50-row table.

The table's values are ready-made strings (no filter, no date formatting in the template),
as in the reference figures the goals were set against: a bare template page about 3 to
4 times slower than "hello" on the same machine."""

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
            "date": f"{start + dt.timedelta(days=7 * n):%d %b %Y}",
            "url": f"/items/{n}/",
        }
        for n in range(1, 51)
    ]
    return render(request, "rows.html", {"items": items})
