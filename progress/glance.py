"""Progress at a glance: the charts of the network home, the matrix and a city's page.

Each function reads what it draws in a query or two, whatever the size of the network
(the counts and sums made by the database), and returns a `portal.charts.Chart`, or None
when there is nothing to draw yet: the page then says so in a sentence instead of showing
an empty drawing.
"""

import datetime as dt

from django.db import connection
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iap.enums import RoadmapState, StepStatus
from iap.models import Roadmap, RoadmapStep, RoadmapTransition, RoadmapVersion
from partners.enums import ObligationState
from partners.models import Partner, WorkplanStage
from partners.roles import cities_in
from partners.selectors import workplan_of
from portal import charts

from . import states

# 1. The workplan's timeline with each deadline ------------------------------------------


def workplan_timeline(*, network, user, today=None, grid=None) -> charts.Chart | None:
    """The workplan's stages with today marked and each dated obligation (and milestone) on
    it, each with the network's standing in words ("7 of 10 done") for those who see every
    city, the standing of their own city for a city's people, nothing more for the rest.

    `grid` is the network's `states.matrix` when the page has it already (the matrix);
    otherwise it is read here for what the person may see."""
    today = today or timezone.localdate()
    sees_all = user.has_perm("progress.view_matrix", network)
    if grid is None:
        stages, obligations = workplan_of(network)
        stages = [(stage.name, stage.starts_on, stage.ends_on) for stage in stages]
        own = [] if sees_all else cities_in(user, network.pk)
        if obligations and (sees_all or own):
            grid = states.matrix(
                network=network, today=today, partners=own or None, obligations=obligations
            )
    else:
        stages = list(
            WorkplanStage.objects.filter(network=network)
            .order_by("starts_on", "pk")
            .values_list("name", "starts_on", "ends_on")
        )
        obligations = [*grid.obligations, *grid.milestones]
    dated = [ob for ob in obligations if ob.due_on is not None]
    if not stages and not dated:
        return None
    markers = [
        (ob.title, ob.due_on, _standing_words(ob, grid, every_city=sees_all)) for ob in dated
    ]
    return charts.timeline(
        title=_("%(network)s: the workplan and its deadlines") % {"network": network.acronym},
        start=network.start_date,
        end=network.end_date,
        today=today,
        bands=stages,
        markers=markers,
    )


def _standing_words(obligation, grid, *, every_city: bool) -> str:
    if obligation.is_milestone:
        return _("milestone")
    if grid is None or not grid.partners:
        return ""
    if every_city:
        counts = grid.counts(obligation)
        words = _("%(done)d of %(count)d done") % {
            "done": counts[ObligationState.DONE],
            "count": len(grid.partners),
        }
        late = counts[ObligationState.LATE]
        if late:
            words += ", " + ngettext("%(late)d late", "%(late)d late", late) % {"late": late}
        return words
    cells = [grid.cells[(obligation.pk, partner.pk)] for partner in grid.partners]
    if len(cells) == 1:
        return str(cells[0].state_label)
    return "; ".join(f"{cell.partner.city}: {cell.state_label}" for cell in cells)


def timeline_panel(request, network):
    """The network home's panel: the timeline, or nothing when the workplan is empty (the
    home says so already)."""
    chart = workplan_timeline(network=network, user=request.user)
    if chart is None:
        return ""
    return render_to_string(
        "progress/_glance_home.html", {"chart": chart, "network": network}, request=request
    )


# 2. One city's roadmap steps done over time ----------------------------------------------


def _steps_counted(status=None) -> RawSQL:
    """How many steps a version's frozen `steps` list holds (of `status`), counted by the
    database."""
    table = connection.ops.quote_name(RoadmapVersion._meta.db_table)
    steps = f"{table}.{connection.ops.quote_name('steps')}"
    # Only quoted names of our own table and column go into the text; values are parameters.
    sql = (
        "SELECT count(*) FROM jsonb_array_elements("  # noqa: S608
        f"CASE WHEN jsonb_typeof({steps}) = 'array' THEN {steps} ELSE '[]'::jsonb END) AS step"
    )
    if status is None:
        return RawSQL(sql, ())  # noqa: S611
    return RawSQL(f"{sql} WHERE step->>'status' = %s", (status,))  # noqa: S611


def steps_over_time(*, partner, today=None) -> charts.Chart | None:
    """The roadmap's steps done, and its steps in all, at each submission (the versions
    frozen then) and today."""
    today = today or timezone.localdate()
    versions = list(
        RoadmapVersion.objects.filter(roadmap__partner=partner)
        .order_by("number")
        .annotate(done=_steps_counted(StepStatus.DONE), total=_steps_counted())
        .values_list("created_at", "done", "total")
    )
    now = RoadmapStep.objects.filter(roadmap__partner=partner).aggregate(
        done=Count("pk", filter=Q(status=StepStatus.DONE)), total=Count("pk")
    )
    if not versions and not now["total"]:
        return None
    points = [(timezone.localdate(at), done, total) for at, done, total in versions]
    points.append((today, now["done"], now["total"]))
    return charts.line_chart(
        title=_("%(city)s: roadmap steps done at each submission and today")
        % {"city": partner.city},
        series=[
            (_("Steps done"), [(day, done) for day, done, _total in points]),
            (_("Steps in all"), [(day, total) for day, _done, total in points]),
        ],
        y_label=_("Steps"),
        x_label=_("Date"),
    )


# 3. The network's roadmap states month by month ------------------------------------------

_STATES_SQL = """
WITH roadmaps AS (
    SELECT roadmap.id FROM {roadmap} roadmap
    JOIN {partner} partner ON partner.id = roadmap.partner_id
    WHERE partner.network_id = %(network)s
),
first AS (
    SELECT min(transition.at) AS at FROM {transition} transition
    WHERE transition.roadmap_id IN (SELECT id FROM roadmaps)
),
days AS (
    SELECT DISTINCT LEAST((month + interval '1 month' - interval '1 day')::date, %(today)s) AS day
    FROM first, generate_series(
        date_trunc('month', first.at AT TIME ZONE %(zone)s), %(today)s::timestamp,
        interval '1 month'
    ) AS month
)
SELECT days.day, COALESCE(latest.to_state, %(draft)s) AS state, count(*)
FROM days CROSS JOIN roadmaps
LEFT JOIN LATERAL (
    SELECT transition.to_state FROM {transition} transition
    WHERE transition.roadmap_id = roadmaps.id
      AND transition.at < (days.day + 1)::timestamp AT TIME ZONE %(zone)s
    ORDER BY transition.at DESC, transition.id DESC
    LIMIT 1
) latest ON true
GROUP BY days.day, 2
ORDER BY days.day
"""


def roadmap_states_by_month(*, network, today=None) -> list[tuple[dt.date, str, int]]:
    """(day, state, how many roadmaps) at the end of each month from the network's first
    roadmap transition to today (the last day is today), read from the transitions in one
    query. A roadmap is a draft until its first transition."""
    today = today or timezone.localdate()
    sql = _STATES_SQL.format(
        roadmap=connection.ops.quote_name(Roadmap._meta.db_table),
        partner=connection.ops.quote_name(Partner._meta.db_table),
        transition=connection.ops.quote_name(RoadmapTransition._meta.db_table),
    )
    params = {
        "network": network.pk,
        "today": today,
        "zone": timezone.get_current_timezone_name(),
        "draft": RoadmapState.DRAFT.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(day, state, count) for day, state, count in cursor.fetchall()]


def states_over_time(*, network, today=None) -> charts.Chart | None:
    """How many of the network's roadmaps were in each state at the end of each month."""
    rows = roadmap_states_by_month(network=network, today=today)
    if not rows:
        return None
    dates = sorted({day for day, _state, _count in rows})
    counts = {(day, state): count for day, state, count in rows}
    present = {state for _day, state, _count in rows}
    stacks = [
        (state.label, [counts.get((day, state.value), 0) for day in dates])
        for state in RoadmapState
        if state.value in present
    ]
    return charts.stacked_bars(
        title=_("%(network)s: roadmaps in each state at the end of each month")
        % {"network": network.acronym},
        dates=dates,
        stacks=stacks,
        y_label=_("Roadmaps"),
    )


# 4. The Small Scale Actions' budget by city -----------------------------------------------


def ssa_budgets(*, network) -> charts.Chart | None:
    """The sum of each city's Small Scale Action budgets, in one query; None while no
    action of the network has a budget."""
    zero = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))
    cities = list(
        Partner.objects.filter(network=network)
        .annotate(
            budget=Coalesce(Sum("small_scale_actions__budget"), zero),
            budgeted=Count("small_scale_actions", filter=Q(small_scale_actions__budget__gt=0)),
        )
        .order_by("city", "pk")
        .values_list("city", "budget", "budgeted")
    )
    if not any(budgeted for _city, _budget, budgeted in cities):
        return None
    return charts.bar_chart(
        title=_("%(network)s: Small Scale Action budgets by city") % {"network": network.acronym},
        bars=[(city, budget) for city, budget, _budgeted in cities],
        unit=_("EUR"),
        label_header=_("City"),
    )
