from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse


@override_settings(PAGE_CACHE_SECONDS=0)
def test_probe(client_for, net, coordinator, city_member_a, roadmap_obligation, review_obligation):
    for user, name in [
        (coordinator, "progress:matrix"),
        (city_member_a, "progress:home"),
        (coordinator, "progress:home"),
    ]:
        c = client_for(user)
        c.get(reverse(name, args=[net.slug]))
        with CaptureQueriesContext(connection) as q:
            r = c.get(reverse(name, args=[net.slug]))
        print(name, r.status_code, len(q.captured_queries))
        for x in q.captured_queries:
            print("   ", x["sql"][:200])
