"""The one versioned save: a stale save is refused once, in words, and can then be made."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from partners.models import Stakeholder
from portal.versioning import ConflictError, in_words, save_versioned


def profile(**extra):
    return {
        "time_zone": "Europe/Sofia",
        "description": "",
        "csr_challenge": "",
        "iap_focus": "A local CSR pact.",
        "version": 1,
        **extra,
    }


def test_after_a_refused_save_the_person_can_save_their_input_again(
    client_for, net, city_a, coordinator, city_coordinator_a
):
    url = reverse("partners:partner_edit", args=[net.slug, city_a.slug])
    assert client_for(coordinator).post(url, profile(iap_focus="The pact.")).status_code == 302

    client = client_for(city_coordinator_a)
    refused = client.post(url, profile(iap_focus="My own words."))
    html = refused.content.decode()
    assert html.count("Someone else saved this in the meantime.") == 1
    form = refused.context["form"]
    resent = {field.name: field.value() for field in form}
    assert resent["version"] == 2  # the form now stands on what is saved

    assert client.post(url, {k: v for k, v in resent.items() if v is not None}).status_code == 302
    city_a.refresh_from_db()
    assert (city_a.iap_focus, city_a.version) == ("My own words.", 3)


def test_save_versioned_asks_the_models_permission_on_the_saved_row(
    city_a, city_member_b, city_member_a
):
    stakeholder = save_versioned(
        obj=Stakeholder(partner=city_a, name="Volunteer centre", sector="civil_society"),
        user=city_member_a,
        data={},
        version=None,
    )
    with pytest.raises(PermissionDenied):
        save_versioned(obj=stakeholder, user=city_member_b, data={"name": "X"}, version=1)
    with pytest.raises(ConflictError) as conflict:
        save_versioned(obj=stakeholder, user=city_member_a, data={"name": "Y"}, version=7)
    assert conflict.value.current.name == "Volunteer centre"
    stakeholder.refresh_from_db()
    assert (stakeholder.name, stakeholder.version) == ("Volunteer centre", 1)


def test_saved_values_read_as_words(city_a, settings):
    settings.LANGUAGE_CODE = "en"
    stakeholder = Stakeholder(
        partner=city_a, name="Uni", sector="academia", consent_to_contact=True
    )
    assert in_words(stakeholder, ["sector", "consent_to_contact", "name"]) == [
        ("Sector", "Academia"),
        ("Consents to be contacted", "Yes"),
        ("Name", "Uni"),
    ]
    assert ("CSR challenge", "") in in_words(city_a, ["csr_challenge"])
