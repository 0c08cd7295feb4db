from django import template

from partners.roles import cities_in

register = template.Library()


@register.simple_tag(takes_context=True)
def my_cities(context, network):
    """`{% my_cities network as cities %}`: the cities whose team the person is in, as the
    person's memberships brought them (no query of its own)."""
    return cities_in(context["request"].user, network.pk)
