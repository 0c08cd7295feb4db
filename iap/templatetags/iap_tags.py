from django import template
from django.utils import timezone

from partners.roles import cities_in

from ..selectors import overdue_days_of

register = template.Library()


@register.simple_tag(takes_context=True)
def my_cities(context, network):
    """`{% my_cities network as cities %}`: the cities whose team the person is in, as the
    person's memberships brought them (no query of its own)."""
    return cities_in(context["request"].user, network.pk)


@register.simple_tag
def overdue_days(obj):
    """`{% overdue_days step as late %}`: how many days a roadmap step, a Small Scale
    Action or a roadmap is overdue today in the viewer's time zone (0: it is not)."""
    return overdue_days_of(obj, today=timezone.localdate())
