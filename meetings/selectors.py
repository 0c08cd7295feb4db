from .models import Meeting


def meetings_of(*, network):
    return Meeting.objects.filter(network=network).select_related("host")
