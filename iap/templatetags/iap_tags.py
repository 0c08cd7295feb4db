from django import template

from partners.models import Partner
from partners.roles import city_ids_in

register = template.Library()


@register.simple_tag(takes_context=True)
def my_cities(context, network):
    """`{% my_cities network as cities %}`: the cities whose team the person is in."""
    user = context["request"].user
    return list(Partner.objects.filter(pk__in=city_ids_in(user, network.pk)).order_by("city"))
