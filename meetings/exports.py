"""The meeting pack: one PDF per meeting (WeasyPrint), for the network's members once the
meeting has ended. Its title and span, where it was held, the programme by day,
attendance by city, the minutes, decisions and actions, and the list of its documents;
times in the reader's zone, named."""

from itertools import groupby

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from portal.markdown import render_markdown

from . import selectors
from .models import Meeting
from .timespan import span_text

#: The pack's look. Given to WeasyPrint apart: no page of the portal carries inline style.
PACK_CSS = """
@page { size: A4; margin: 2cm 1.8cm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 18pt; margin: 0 0 .2cm; color: #0b3d5c; }
h2 { font-size: 13pt; margin-top: .7cm; color: #0b3d5c; border-bottom: 1px solid #ccd; }
h3 { font-size: 11pt; margin: .4cm 0 .15cm; }
.meta { color: #444; margin: 0 0 .15cm; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th, td { border: 1px solid #bbc; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #eef2f6; } tr { page-break-inside: avoid; }
td.time { white-space: nowrap; width: 3.2em; }
.minutes h2 { font-size: 11pt; border: 0; } .minutes h3 { font-size: 10pt; }
.empty { color: #555; font-style: italic; }
"""


def pack_context(meeting: Meeting, *, zone=None) -> dict:
    """What the pack shows, read for the meeting; times in `zone` (by default the
    current one, the reader's)."""
    zone = zone or timezone.get_current_timezone()
    attendances = meeting.attendances.select_related("partner", "user").order_by(
        "partner__city", "user__full_name", "user__email"
    )
    attendance_by_city = [
        (city, [attendance.user for attendance in rows])
        for city, rows in groupby(attendances, key=lambda attendance: attendance.partner.city)
    ]
    return {
        "meeting": meeting,
        "network": meeting.network,
        "span": span_text(meeting.starts_at, meeting.ends_at, zone),
        "zone_name": str(zone),
        "programme": selectors.programme_by_day(meeting, zone),
        "attendance_by_city": attendance_by_city,
        "minutes": render_markdown(meeting.minutes) if meeting.minutes else "",
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.select_related("partner", "owner")),
        "documents": list(
            meeting.documents.select_related("partner", "uploaded_by").order_by("title", "pk")
        ),
        "made_at": timezone.localtime(timezone.now(), zone),
    }


def pack_pdf_bytes(request, meeting: Meeting) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("meetings/pack.html", pack_context(meeting), request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[CSS(string=PACK_CSS)]
    )


def meeting_pack_pdf(request, meeting: Meeting) -> HttpResponse:
    response = HttpResponse(pack_pdf_bytes(request, meeting), content_type="application/pdf")
    filename = f"{slugify(meeting.network.acronym)}-tnm-{meeting.number}-pack.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
