from django.core.management.base import BaseCommand
from django.db import transaction

from partners import demo
from portal.registry import demo_loaders


class Command(BaseCommand):
    help = "Create (or refresh) the CITIES4CSR demo network and a second, small network."

    def handle(self, *args, **options):
        with transaction.atomic():
            context = demo.load(stdout=self.stdout)
            for load in demo_loaders:  # the other apps', registered in their ready()
                load(context=context, stdout=self.stdout)
        self.print_logins(context)

    def print_logins(self, context):
        self.stdout.write(self.style.SUCCESS("Demo networks loaded."))
        self.stdout.write(f"Every demo login uses the password: {demo.DEMO_PASSWORD}")
        rows = [
            (context["coordinator"], "CITIES4CSR coordinator (Milan team)"),
            (context["lead_partner"], "CITIES4CSR lead partner (Milan)"),
            (context["lead_expert"], "CITIES4CSR lead expert"),
            (context["officer"], "URBACT programme officer (read-only)"),
        ]
        for slug, user in context["city_coordinators"].items():
            rows.append((user, f"city coordinator, {context['partners'][slug].city}"))
            rows.append(
                (context["city_members"][slug], f"team member, {context['partners'][slug].city}")
            )
        rows.append((context["other_coordinator"], "coordinator of the second network"))
        width = max(len(user.email) for user, _ in rows)
        for user, what in rows:
            self.stdout.write(f"  {user.email.ljust(width)}  {what}")
