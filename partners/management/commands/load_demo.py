import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners import demo, demo_scale
from portal.registry import demo_loaders


class Command(BaseCommand):
    help = (
        "Create (or refresh) the CITIES4CSR demo network and a second, small network; with "
        "--scale N, also N generated networks of ten cities each (gen-01 … gen-NN)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Generated networks to make besides the demo networks; those of an "
            "earlier run are replaced. 0 (the default) leaves them as they are.",
        )
        parser.add_argument(
            "--today",
            default=None,
            metavar="YYYY-MM-DD",
            help="Date the demo's open work (deadlines, the review waiting, the next TNM) "
            "as if loaded on this day; for tests. Default: today.",
        )

    def handle(self, *args, scale=0, today=None, **options):
        if isinstance(today, str):
            try:
                today = dt.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today: give a date as YYYY-MM-DD ({error}).") from None
        if today is not None and not 2022 <= today.year <= 2100:  # after the 2020–21 history
            raise CommandError("--today: give a date between 2022 and 2100.")
        with transaction.atomic():
            context = demo.load(stdout=self.stdout, today=today)
            for load in demo_loaders:  # the other apps', registered in their ready()
                load(context=context, stdout=self.stdout)
            counts = demo_scale.generate(scale=scale, stdout=self.stdout) if scale > 0 else {}
        self.print_logins(context)
        if counts:
            self.stdout.write(self.style.SUCCESS(demo_scale.summary(counts)))
            for line in demo_scale.logins(scale):
                self.stdout.write(line)

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
