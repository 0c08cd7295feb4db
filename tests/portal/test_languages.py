"""A language for each person: the header's switcher (no JavaScript) keeps the choice, in a
cookie for a visitor and in the profile of a signed-in person, where it wins over the
browser's; and what the portal sends (notifications, reminders, meeting invitations,
invitations to join) reaches each person in their own language and time zone, whoever sent
it.

Until the portal's catalogues exist, the language of what is sent shows through Django's
own translations (month and day names, form errors); the tests of the portal's own
sentences are marked `catalogue_needed`: an expected failure, reported as such, until
locale/<language> is written and compiled, and ordinary tests from then on.
"""

import datetime as dt
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext_lazy

from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.services import time_left_words
from partners import services as partner_services
from partners.enums import Role
from partners.models import InvitationEmail, Notification, NotificationEmail
from portal.i18n import phrase
from portal.outbox import send_pending
from progress.services import send_obligation_reminders
from tests.meetings.test_invitations import MEETING_FORM
from tests.progress.conftest import roadmap_obligation  # noqa: F401

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue_needed(language, *msgids):
    """A test of the portal's own sentences in `language`: it reads the compiled catalogue
    (`make pytest` compiles them; tests/i18n checks that every catalogue translates every
    marked string), and fails if `msgids` are not translated there."""

    def check(test):
        catalogue = LOCALE / language / "LC_MESSAGES" / "django.po"
        entries = {entry.msgid: entry for entry in polib.pofile(str(catalogue))}
        missing = [m for m in msgids if m not in entries or not entries[m].translated()]
        assert not missing, f"locale/{language} does not translate {missing}"
        return test

    return check


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def choose(person, **fields):
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    return person


# The switcher ------------------------------------------------------------------------------


def test_the_header_offers_each_language_in_its_own_name(client, db):
    page = client.get(reverse("news:list")).content.decode()

    assert f'action="{reverse("set_language")}"' in page
    assert '<label class="small" for="header-language">Language</label>' in page
    assert '<input type="hidden" name="next" value="/news/">' in page
    for code, name in [("en", "English"), ("it", "italiano"), ("lv", "latviešu"),
                       ("bg", "български"), ("hu", "Magyar"), ("fr", "français")]:  # fmt: skip
        assert f'lang="{code}"' in page and f">{name}</option>" in page
    assert 'value="en" lang="en" selected>English' in page
    assert "csrfmiddlewaretoken" not in page  # a visitor's public page stays one for all


def test_a_visitor_switches_without_javascript_and_keeps_it_in_a_cookie(db):
    visitor = Client(enforce_csrf_checks=True)  # a plain form post, as a browser sends it

    response = visitor.post(reverse("set_language"), {"language": "it", "next": "/news/"})

    assert (response.status_code, response["Location"]) == (302, "/news/")
    assert visitor.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    page = visitor.get("/news/")
    assert lang_of(page) == "it" and page["Content-Language"] == "it"
    assert 'value="it" lang="it" selected>italiano' in page.content.decode()


def test_a_signed_in_persons_choice_is_kept_in_their_profile(client_for, city_member_a):
    phone = client_for(city_member_a)

    response = phone.post(
        reverse("set_language"), {"language": "lv", "next": reverse("notifications")}
    )

    assert response["Location"] == reverse("notifications")
    city_member_a.refresh_from_db()
    assert city_member_a.language == "lv"
    laptop = client_for(city_member_a)  # another device: no language cookie
    assert lang_of(laptop.get(reverse("notifications"))) == "lv"


def test_a_signed_in_persons_choice_needs_the_forms_token(city_member_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(city_member_a)
    page = browser.get(reverse("notifications")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    forged = browser.post(reverse("set_language"), {"language": "it"})
    city_member_a.refresh_from_db()
    assert forged.status_code == 403 and city_member_a.language == ""

    browser.post(reverse("set_language"), {"language": "it", "csrfmiddlewaretoken": token})
    city_member_a.refresh_from_db()
    assert city_member_a.language == "it"


@pytest.mark.parametrize("language", ["xx", "it\x00", "e" * 5000, ""])
def test_a_language_the_portal_does_not_have_changes_nothing(client_for, city_member_a, language):
    choose(city_member_a, language="fr")

    response = client_for(city_member_a).post(reverse("set_language"), {"language": language})

    assert response.status_code == 302
    city_member_a.refresh_from_db()
    assert city_member_a.language == "fr"


def test_the_profiles_language_wins_over_the_browsers(client_for, city_member_a, city_member_b):
    choose(city_member_a, language="it")
    bad_zone = {"full_name": "M", "job_title": "", "time_zone": "Mars/Olympus", "language": "it"}

    italian = client_for(city_member_a).post(
        reverse("profile"), bad_zone, HTTP_ACCEPT_LANGUAGE="fr"
    )
    french = client_for(city_member_b).post(
        reverse("profile"), {**bad_zone, "language": ""}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert (lang_of(italian), italian["Content-Language"]) == ("it", "it")
    assert "Scegli un&#x27;opzione valida. Mars/Olympus non è tra quelle disponibili." in (
        italian.content.decode()
    )
    assert lang_of(french) == "fr"
    assert "Sélectionnez un choix valide." in french.content.decode()


def test_the_profile_form_sets_and_clears_the_language(client_for, city_member_a):
    client = client_for(city_member_a)
    form = client.get(reverse("profile")).content.decode()
    assert '<option value="" selected>The browser&#x27;s language</option>' in form
    assert '<option value="hr">Hrvatski</option>' in form

    data = {"full_name": "Ana", "job_title": "", "time_zone": "Europe/Zagreb", "language": "hr"}
    saved = client.post(reverse("profile"), data, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    city_member_a.refresh_from_db()
    assert city_member_a.language == "hr" and lang_of(saved) == "hr"

    cleared = client.post(
        reverse("profile"), {**data, "language": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    )
    city_member_a.refresh_from_db()
    assert city_member_a.language == "" and lang_of(cleared) == "fr"


# What is sent ------------------------------------------------------------------------------


@pytest.fixture
def italian_member(city_member_a):
    return choose(city_member_a, language="it", time_zone="Europe/Rome")


@pytest.fixture
def english_coordinator(coordinator):
    """Types the meeting's times in Riga, where she works, in English."""
    return choose(coordinator, language="en", time_zone="Europe/Riga")


def test_a_reminder_reaches_each_city_member_in_their_own_language(
    net,
    city_a,
    italian_member,
    city_coordinator_a,
    roadmap_obligation,  # noqa: F811
):
    choose(city_coordinator_a, language="en")

    with translation.override("en"):  # whoever runs the sweep
        send_obligation_reminders(today=dt.date(2020, 12, 17))
        send_pending(models=[NotificationEmail])

    inbox = {n.recipient_id: n.title for n in Notification.objects.filter(network=net)}
    assert inbox[italian_member.pk].endswith(" 31 Dicembre 2020")
    assert inbox[city_coordinator_a.pk] == "IAP roadmaps submitted: due on Dec. 31, 2020"
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[italian_member.email].subject.endswith(" 31 Dicembre 2020")
    assert by_address[city_coordinator_a.email].subject.endswith("due on Dec. 31, 2020")


def test_an_english_coordinator_plans_a_meeting_and_each_reads_it_in_their_language_and_zone(
    client_for, net, english_coordinator, italian_member, city_member_b
):
    choose(city_member_b, language="", time_zone="Europe/London")
    response = client_for(english_coordinator).post(
        reverse("meetings:meeting_create", args=[net.slug]), MEETING_FORM
    )
    assert response.status_code == 302

    with translation.override("en"):
        meeting_services.send_due_notices()

    by_address = {m.to[0]: m.body for m in mail.outbox}
    # 09:30 typed in Riga is 08:30 in Rome and 07:30 in London.
    assert (
        "Lunedì 10 Febbraio 2031, 08:30 – Martedì 11 Febbraio 2031, 12:00"
        in (by_address[italian_member.email])
    )
    assert "(CET, Europe/Rome)" in by_address[italian_member.email]
    assert (
        "Monday 10 February 2031, 07:30 – Tuesday 11 February 2031, 11:00"
        in (by_address[city_member_b.email])
    )
    meeting = Meeting.objects.get(number=MEETING_FORM["number"])
    assert Notification.objects.filter(url=meeting.get_absolute_url()).count() == 3


@catalogue_needed("it", "Invitation: %(event)s", "You are invited to %(event)s.")
def test_the_portals_own_sentences_reach_an_italian_member_in_italian(
    client_for, net, english_coordinator, italian_member
):
    client_for(english_coordinator).post(
        reverse("meetings:meeting_create", args=[net.slug]), MEETING_FORM
    )
    with translation.override("en"):
        meeting_services.send_due_notices()

    with translation.override("it"):
        expected = gettext("Invitation: %(event)s") % {"event": "TNM #7: Planning Actions"}
    assert expected != "Invitation: TNM #7: Planning Actions"
    assert Notification.objects.get(recipient=italian_member).title == expected
    [message] = [m for m in mail.outbox if m.to == [italian_member.email]]
    assert "You are invited to" not in message.body


@catalogue_needed("it", "Invitation to join %(network)s on the CITIES4CSR portal")
def test_an_invitation_to_join_speaks_the_inviters_language_or_the_invitees_own(
    net, other_net, coordinator, other_network_coordinator, city_member_a
):
    choose(coordinator, language="it")
    choose(city_member_a, language="en")  # invited by the Italian-speaking coordinator
    partner_services.invitation_create(
        user=coordinator, network=net, email="nuova@example.org", role=Role.AD_HOC_EXPERT
    )
    partner_services.invitation_create(
        user=other_network_coordinator,
        network=other_net,
        email=city_member_a.email,
        role=Role.AD_HOC_EXPERT,
    )
    send_pending(models=[InvitationEmail])

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[city_member_a.email].startswith("Invitation to join OTHERNET")
    with translation.override("it"):
        italian = gettext("Invitation to join %(network)s on the CITIES4CSR portal")
    assert subjects["nuova@example.org"] == italian % {"network": "TESTNET"}
    assert subjects["nuova@example.org"] != "Invitation to join TESTNET on the CITIES4CSR portal"


# Plurals -----------------------------------------------------------------------------------


def latvian_forms(catalogue: Path, msgid: str) -> dict[int, str]:
    entry = polib.pofile(str(catalogue)).find(msgid)
    return {int(form): text for form, text in entry.msgstr_plural.items()}


def test_a_latvian_plural_takes_the_form_of_its_last_digits():
    """Latvian says 1 and 21 alike, 5 and 11 otherwise, and 0 apart (three forms)."""
    django_lv = Path(django.__file__).parent / "conf/locale/lv/LC_MESSAGES/django.po"
    forms = latvian_forms(django_lv, "%(num)d day")
    days = ngettext_lazy("%(num)d day", "%(num)d days", "num")

    with translation.override("lv"):
        shown = {n: str(phrase(days, num=n)) for n in (1, 21, 5, 11, 0)}

    assert shown == {
        1: forms[0] % {"num": 1},
        21: forms[0] % {"num": 21},
        5: forms[1] % {"num": 5},
        11: forms[1] % {"num": 11},
        0: forms[2] % {"num": 0},
    }
    assert len({forms[0], forms[1], forms[2]}) == 3


@catalogue_needed("lv", "%(n)d day")
def test_a_reminders_days_left_are_counted_in_latvian():
    forms = latvian_forms(LOCALE / "lv/LC_MESSAGES/django.po", "%(n)d day")

    with translation.override("lv"):
        shown = {n: time_left_words(dt.timedelta(days=n)) for n in (21, 5)}

    assert shown == {21: forms[0] % {"n": 21}, 5: forms[1] % {"n": 5}}
    assert shown[21] != "21 days"
