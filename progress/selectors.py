"""What the progress pages read, through the same visibility rules as the other pages."""

from django.http import Http404

from partners.models import Partner
from partners.roles import city_ids_in


def city_for(*, user, network, slug: str) -> Partner:
    """A city of the network whose progress the person may see: every city for those who
    see every city, their own otherwise; 404 for the rest."""
    partner = Partner.objects.filter(network=network, slug=slug).select_related("network").first()
    if partner is None:
        raise Http404
    if not user.has_perm("progress.view_matrix", network) and partner.pk not in city_ids_in(
        user, network.pk
    ):
        raise Http404
    return partner
