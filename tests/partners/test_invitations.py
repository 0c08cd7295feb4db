"""Invitations: from the coordinator's form to the person's first page in the network.

One smoke test runs a real Celery worker; the others send through the outbox sweep.
"""

import datetime as dt
import re
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.enums import InvitationStatus, Role
from partners.models import Invitation, InvitationEmail, Membership, User
from portal.outbox import OutboxStatus, send_pending
from tests.services import wait_until


def sweep():
    return send_pending(models=[InvitationEmail])


def link_in(message) -> str:
    return re.search(r"https?://\S+/join/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def invite(client, net, **data):
    return client.post(reverse("partners:invitation_create", args=[net.slug]), data)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_invitation_email_goes_out_through_a_real_worker(
    celery_worker, client_for, net, city_a, coordinator
):
    response = invite(
        client_for(coordinator),
        net,
        email="Lucia@Example.org",
        role=Role.CITY_COORDINATOR,
        partner=city_a.pk,
    )
    assert response.status_code == 302
    assert wait_until(lambda: mail.outbox)
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]
    message = mail.outbox[0]
    assert "Invitation to join TESTNET" in message.subject
    assert "expires in 7 days" in message.body
    assert "/n/testnet/join/" in link_in(message)
    assert wait_until(InvitationEmail.objects.filter(status=OutboxStatus.SENT).exists)
    assert InvitationEmail.objects.get().sent_at is not None


def accept(client, link, **data):
    payload = {
        "full_name": "Lucia Nowak",
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
    }
    return client.post(path_of(link), {**payload, **data})


def test_accepting_creates_the_account_grants_the_role_and_lands_in_the_network(
    client, client_for, net, city_a, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.invitation_create(
            user=coordinator,
            network=net,
            email="lucia@example.org",
            role=Role.CITY_COORDINATOR,
            partner=city_a,
        )
    assert sweep() == Counter({OutboxStatus.SENT: 1})
    link = link_in(mail.outbox[0])

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "lucia@example.org" in page.content.decode()

    response = accept(client, link)
    assert response["Location"] == reverse("partners:network_home", args=[net.slug])
    home = client.get(response["Location"])
    assert home.status_code == 200 and "Welcome to TESTNET." in home.content.decode()
    user = User.objects.get(email="lucia@example.org")
    assert user.full_name == "Lucia Nowak" and user.check_password("a-long-pass-phrase-42")
    assert Membership.objects.filter(
        user=user, network=net, partner=city_a, role=Role.CITY_COORDINATOR
    ).exists()

    # The link works once.
    again = client_for(None).get(path_of(link))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def make_invitation(net, coordinator, **extra):
    invitation = services.invitation_create(
        user=coordinator,
        network=net,
        email="lucia@example.org",
        role=Role.LEAD_EXPERT,
        **extra,
    )
    return invitation, services.invitation_link(invitation)


def test_an_expired_link_shows_a_clear_page_and_creates_nothing(client, net, coordinator):
    invitation, link = make_invitation(net, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for response in (client.get(link), accept(client, "http://testserver" + link)):
        assert response.status_code == 410
        assert "This invitation has expired." in response.content.decode()
    assert not User.objects.filter(email="lucia@example.org").exists()


def test_the_link_expires_after_seven_days(net, coordinator):
    invitation, _ = make_invitation(net, coordinator)
    assert (
        dt.timedelta(days=6, hours=23)
        < invitation.expires_at - timezone.now()
        <= dt.timedelta(days=7)
    )


def test_a_revoked_link_stops_working(client, client_for, net, coordinator):
    invitation, link = make_invitation(net, coordinator)
    client_for(coordinator).post(
        reverse("partners:invitation_revoke", args=[net.slug, invitation.pk])
    )
    response = client.get(link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    client, client_for, net, coordinator
):
    invitation, old_link = make_invitation(net, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    client_for(coordinator).post(
        reverse("partners:invitation_resend", args=[net.slug, invitation.pk])
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPEN
    new_link = services.invitation_link(invitation)
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_a_resend_cancels_the_unsent_email_and_only_the_new_link_goes_out(
    client_for, net, coordinator
):
    invitation, old_link = make_invitation(net, coordinator)
    client_for(coordinator).post(
        reverse("partners:invitation_resend", args=[net.slug, invitation.pk])
    )
    first, second = invitation.emails.order_by("pk")
    assert (first.status, second.status) == (OutboxStatus.CANCELLED, OutboxStatus.PENDING)
    assert sweep() == Counter({OutboxStatus.SENT: 1})
    invitation.refresh_from_db()
    assert [link_in(m).endswith(services.invitation_link(invitation)) for m in mail.outbox] == [
        True
    ]


def test_revoking_cancels_the_unsent_email(client_for, net, coordinator):
    invitation, _ = make_invitation(net, coordinator)
    client_for(coordinator).post(
        reverse("partners:invitation_revoke", args=[net.slug, invitation.pk])
    )
    assert invitation.emails.get().status == OutboxStatus.CANCELLED
    assert sweep() == Counter()
    assert mail.outbox == []


def test_an_email_whose_invitation_was_used_meanwhile_is_not_sent(net, coordinator):
    invitation, _ = make_invitation(net, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), nonce="")
    assert sweep() == Counter({OutboxStatus.CANCELLED: 1})
    assert mail.outbox == []


def test_a_tampered_link_is_refused(client, net, coordinator):
    _, link = make_invitation(net, coordinator)
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_link_for_another_network_is_refused(client, net, other_net, coordinator):
    invitation, link = make_invitation(net, coordinator)
    foreign = link.replace(f"/n/{net.slug}/", f"/n/{other_net.slug}/")
    assert client.get(foreign).status_code == 404


def test_an_existing_account_logs_in_and_accepts(
    client_for, net, other_net, coordinator, other_network_coordinator
):
    invitation = services.invitation_create(
        user=coordinator,
        network=net,
        email=other_network_coordinator.email,
        role=Role.AD_HOC_EXPERT,
    )
    link = services.invitation_link(invitation)
    anonymous = client_for(None)
    assert "Log in to accept" in anonymous.get(link).content.decode()
    assert anonymous.post(link).status_code == 404  # no account taken over without its password

    client = client_for(other_network_coordinator)
    response = client.post(link)
    assert response["Location"] == reverse("partners:network_home", args=[net.slug])
    assert Membership.objects.filter(
        user=other_network_coordinator, network=net, role=Role.AD_HOC_EXPERT
    ).exists()


def test_accept_form_rejects_bad_passwords_with_messages(client, net, coordinator):
    _, link = make_invitation(net, coordinator)
    response = accept(client, "http://testserver" + link, password2="something-else-entirely")
    assert "The two passwords differ." in response.content.decode()
    response = accept(client, "http://testserver" + link, password1="123", password2="123")
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="lucia@example.org").exists()


def test_city_coordinator_invites_members_to_their_own_city_only(
    client_for, net, city_a, city_b, city_coordinator_a
):
    client = client_for(city_coordinator_a)
    form = client.get(reverse("partners:invitation_create", args=[net.slug])).context["form"]
    assert list(form.fields["partner"].queryset) == [city_a]
    assert [value for value, _ in form.fields["role"].choices] == [Role.CITY_TEAM_MEMBER]

    response = invite(
        client, net, email="x@example.org", role=Role.CITY_TEAM_MEMBER, partner=city_b.pk
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = invite(client, net, email="x@example.org", role=Role.COORDINATOR, partner=city_a.pk)
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()

    invite(client, net, email="x@example.org", role=Role.CITY_TEAM_MEMBER, partner=city_a.pk)
    assert Invitation.objects.get().partner == city_a


def test_invitation_form_rejects_bad_input_with_messages(
    client_for, net, city_a, coordinator, city_member_a
):
    client = client_for(coordinator)
    response = invite(client, net, email="not-an-email", role=Role.LEAD_EXPERT)
    assert "Enter a valid email address." in response.content.decode()
    response = invite(client, net, email="new@example.org", role=Role.CITY_TEAM_MEMBER)
    assert "Choose the city for a city role." in response.content.decode()
    response = invite(
        client, net, email=city_member_a.email, role=Role.CITY_TEAM_MEMBER, partner=city_a.pk
    )
    assert "This person already has this role." in response.content.decode()
    invite(client, net, email="new@example.org", role=Role.LEAD_EXPERT)
    response = invite(client, net, email="NEW@example.org", role=Role.AD_HOC_EXPERT)
    assert "already has an open invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_coordinator_changes_and_removes_roles(
    client_for, net, city_a, city_b, coordinator, city_member_a
):
    client = client_for(coordinator)
    membership = Membership.objects.get(user=city_member_a)
    client.post(
        reverse("partners:membership_edit", args=[net.slug, membership.pk]),
        {"role": Role.CITY_COORDINATOR, "partner": city_b.pk},
    )
    membership.refresh_from_db()
    assert (membership.role, membership.partner) == (Role.CITY_COORDINATOR, city_b)
    response = client.post(
        reverse("partners:membership_edit", args=[net.slug, membership.pk]),
        {"role": Role.CITY_TEAM_MEMBER, "partner": ""},
    )
    assert "City roles need a partner city." in response.content.decode()
    client.post(reverse("partners:membership_remove", args=[net.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (
        client_for(city_member_a).get(reverse("partners:network_home", args=[net.slug])).status_code
        == 404
    )


def test_the_sweep_sends_invitations_the_broker_never_got(
    net, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # as if Redis was down at commit
        make_invitation(net, coordinator)
    assert mail.outbox == []
    assert sweep() == Counter({OutboxStatus.SENT: 1})
    assert sweep() == Counter()
    assert len(mail.outbox) == 1


def test_the_invitation_service_asks_the_rule_of_the_invitation(
    net, city_a, city_b, city_coordinator_a
):
    from django.core.exceptions import PermissionDenied

    for role, partner in [(Role.CITY_TEAM_MEMBER, city_b), (Role.COORDINATOR, city_a)]:
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                user=city_coordinator_a,
                network=net,
                email="x@example.org",
                role=role,
                partner=partner,
            )
    assert not Invitation.objects.exists()
