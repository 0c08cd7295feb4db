from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

#: The apps that add demo data, in order: each later one builds on what came before.
DEMO_APPS = ["partners", "meetings", "iap", "news"]


class Command(BaseCommand):
    help = "Create (or refresh) the CITIES4CSR demo network and a second, small network."

    def handle(self, *args, **options):
        with transaction.atomic():
            context = import_module("partners.demo").load(stdout=self.stdout)
            for app in DEMO_APPS[1:]:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.load(context=context, stdout=self.stdout)
        self.print_logins(context)

    def print_logins(self, context):
        from partners.demo import DEMO_PASSWORD

        self.stdout.write(self.style.SUCCESS("Demo networks loaded."))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
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
