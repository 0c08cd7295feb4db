import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="maria@example.org", full_name="Maria Silva")


def test_login_page_has_labelled_email_and_password_fields(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<label[^>]*for="id_username"[^>]*>\s*Email', html)
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*Password', html)
    assert 'type="email"' in html
    assert '<html lang="en">' in html


def test_person_logs_in_with_email_and_password(client, person, password):
    response = client.post(
        reverse("login"), {"username": "Maria@Example.org", "password": password}, follow=True
    )
    assert response.context["user"] == person


def test_wrong_password_shows_a_clear_message_and_does_not_log_in(client, person):
    response = client.post(reverse("login"), {"username": person.email, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, person, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": person.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": person.email, "password": password})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_failure_count(client, person, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": person.email, "password": "wrong"})
    client.post(reverse("login"), {"username": person.email, "password": password})
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": person.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": person.email, "password": password})
    assert response.status_code == 302


def test_password_reset_sends_a_working_link_by_email(client, person):
    response = client.post(reverse("password_reset"), {"email": "maria@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.org"]
    assert "Set a new password" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "Brand-new-passw0rd-2021"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()
    person.refresh_from_db()
    assert person.check_password(new)
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_person_changes_password(client, person, password):
    client.force_login(person)
    new = "Another-passw0rd-2021"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)


def test_profile_sets_name_job_title_and_time_zone(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"),
        {
            "full_name": "Maria da Silva",
            "job_title": "ULG Coordinator",
            "time_zone": "Europe/Lisbon",
        },
        follow=True,
    )
    assert "Your profile has been saved" in response.content.decode()
    person.refresh_from_db()
    assert (person.full_name, person.job_title, str(person.time_zone)) == (
        "Maria da Silva",
        "ULG Coordinator",
        "Europe/Lisbon",
    )


def test_profile_rejects_an_unknown_time_zone(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "M", "job_title": "", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]


def test_profile_needs_login(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_needs_post_and_ends_the_session(client, person):
    client.force_login(person)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_emails_are_unique_whatever_their_case(db):
    from django.db import IntegrityError, transaction

    from partners.models import User

    User.objects.create_user("Ana@Example.org", "x-Long-passw0rd")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ana@example.org", "x-Long-passw0rd")
