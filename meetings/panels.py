from django.template.loader import render_to_string

from . import selectors


def next_events(request, network):
    """The network home's "Next meetings and calls" panel."""
    events = selectors.upcoming(user=request.user, network=network)
    return render_to_string(
        "meetings/_panel.html", {"events": events, "network": network}, request=request
    )
