from django.core.management.base import BaseCommand, CommandError

from partners.models import Network
from search import indexing


class Command(BaseCommand):
    help = (
        "Make the search entries anew from the records: of every network, or of the "
        "networks named. Needed after bulk writes or a change of a network's address."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="network", help="Network slugs.")

    def handle(self, *args, slugs=(), **options):
        networks = None
        if slugs:
            networks = list(Network.objects.filter(slug__in=slugs))
            missing = sorted(set(slugs) - {network.slug for network in networks})
            if missing:
                raise CommandError(f"No network with the slug {', '.join(missing)}.")
        count = indexing.rebuild(networks=networks)
        self.stdout.write(self.style.SUCCESS(f"{count} search entries made anew."))
