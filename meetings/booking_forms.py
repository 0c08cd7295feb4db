"""The forms of check-up rounds: offering slots, booking, moving and assigning one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, User
from portal.forms import DATE
from portal.validators import plausible_date

from .booking import MAX_DAYS, MAX_SLOTS, checkup_hosts, plan_slots
from .models import CheckupRound, CheckupSlot

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
#: A day of the round, in the days' table (rendered by hand: a row per day).
DAY = forms.DateInput(
    attrs={**DATE.attrs, "class": "form-control", "aria-describedby": "days-help"},
    format=DATE.format,
)
DAY_NUMBERS = range(1, MAX_DAYS + 1)


class CheckupRoundForm(forms.Form):
    """A title, a daily window in the coordinator's zone, the length of a call and the gap
    between calls, and up to ten days, each with the hosts free that day. `slots` holds
    the slots it makes once valid."""

    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_('e.g. "February 2027 check-up"')
    )
    opens = forms.TimeField(label=_("Calls from"), widget=TIME)
    closes = forms.TimeField(label=_("Calls until"), widget=TIME)
    minutes = forms.IntegerField(
        label=_("Minutes per call"), min_value=15, max_value=240, initial=60
    )
    gap = forms.IntegerField(
        label=_("Minutes between calls"), min_value=0, max_value=120, initial=15
    )

    def __init__(self, *args, network, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.zone = zone or timezone.get_current_timezone()
        self.hosts = list(checkup_hosts(network=network))
        in_zone = _("In your time zone, %(zone)s.") % {"zone": self.zone}
        self.fields["opens"].help_text = in_zone
        self.fields["closes"].help_text = in_zone
        hosts = User.objects.filter(pk__in=[host.pk for host in self.hosts])
        for n in DAY_NUMBERS:
            self.fields[f"day_{n}"].label = _("Day %(n)d") % {"n": n}
            self.fields[f"hosts_{n}"].label = _("Hosts free on day %(n)d") % {"n": n}
            self.fields[f"hosts_{n}"].queryset = hosts
            self.initial.setdefault(f"hosts_{n}", [host.pk for host in self.hosts])
        self.slots = []

    def day_rows(self):
        """(the day's field, [(host, the host's checkbox)]) for each day, for the table."""
        rows = []
        for n in DAY_NUMBERS:
            boxes = {str(box.data["value"]): box for box in self[f"hosts_{n}"]}
            hosts = [(host, boxes[str(host.pk)]) for host in self.hosts if str(host.pk) in boxes]
            rows.append((self[f"day_{n}"], self[f"hosts_{n}"], hosts))
        return rows

    def clean_title(self):
        title = self.cleaned_data["title"]
        if CheckupRound.objects.filter(network=self.network, title=title).exists():
            raise forms.ValidationError(_("A round with this title exists already."))
        return title

    def clean(self):
        cleaned = super().clean()
        days, seen = [], {}
        today = timezone.localdate(timezone=self.zone)
        for n in DAY_NUMBERS:
            day = cleaned.get(f"day_{n}")
            if day is None:
                continue
            if day in seen:
                self.add_error(
                    f"day_{n}", _("Day %(n)d repeats day %(first)d.") % {"n": n, "first": seen[day]}
                )
                continue
            seen[day] = n
            if day < today:
                self.add_error(f"day_{n}", _("This day is past."))
                continue
            hosts = list(cleaned.get(f"hosts_{n}") or [])
            if self.hosts and not hosts:
                self.add_error(f"hosts_{n}", _("Tick who is free to host on this day."))
                continue
            days.append((day, hosts))
        if not seen and not any(self.errors.get(f"day_{n}") for n in DAY_NUMBERS):
            self.add_error("day_1", _("Give at least one day."))
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        minutes, gap = cleaned.get("minutes"), cleaned.get("gap")
        if opens and closes and opens >= closes:
            self.add_error("closes", _("The calls end after they begin: give a later time."))
        if self.errors or not days:
            return cleaned
        self.slots = plan_slots(
            days=days, opens=opens, closes=closes, minutes=minutes, gap=gap, zone=self.zone
        )
        if not self.slots:
            self.add_error(
                "minutes",
                _("No call of %(minutes)d minutes fits between %(opens)s and %(closes)s.")
                % {"minutes": minutes, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
            )
        elif len(self.slots) > MAX_SLOTS:
            self.add_error(
                None,
                _(
                    "That makes %(n)d slots; a round offers at most %(max)d. Give fewer days "
                    "or a shorter window."
                )  # fmt: skip
                % {"n": len(self.slots), "max": MAX_SLOTS},
            )
        return cleaned


for _n in DAY_NUMBERS:  # the days' fields, declared like the others (labelled per request)
    CheckupRoundForm.base_fields[f"day_{_n}"] = forms.DateField(
        required=False, widget=DAY, validators=[plausible_date]
    )
    CheckupRoundForm.base_fields[f"hosts_{_n}"] = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class SlotForm(forms.Form):
    """A slot of the round, and the city it is for (among the cities one may book for)."""

    slot = forms.ModelChoiceField(
        label=_("Slot"),
        queryset=CheckupSlot.objects.none(),
        error_messages={"invalid_choice": _("That slot is not one of this round's.")},
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=Partner.objects.none(),
        error_messages={"invalid_choice": _("You cannot book for that city.")},
    )

    def __init__(self, *args, checkup_round, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = CheckupSlot.objects.filter(checkup_round=checkup_round)
        self.fields["city"].queryset = Partner.objects.filter(
            network_id=checkup_round.network_id, pk__in=[city.pk for city in cities]
        )
