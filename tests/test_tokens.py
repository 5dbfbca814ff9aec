"""Personal API tokens: made, shown once, stored hashed, revoked by their user."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from docs_registry import services
from docs_registry.models import ApiToken
from docs_registry.services import ServiceError

from .html import main

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(sales_staff):
    token, raw = services.api_token_create(user=sales_staff, name="Helpdesk sync")
    assert raw.startswith("sp_") and len(raw) > 40
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.key_prefix) and len(stored.key_prefix) < len(raw)
    every_column = ApiToken.objects.values_list("name", "key_hash", "key_prefix").get()
    assert raw not in every_column
    assert stored.is_active and stored.name == "Helpdesk sync"


def test_tokens_are_unique(sales_staff):
    raws = {services.api_token_create(user=sales_staff, name="t")[1] for _ in range(5)}
    assert len(raws) == 5


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(sales_staff, name):
    with pytest.raises(ServiceError):
        services.api_token_create(user=sales_staff, name=name)
    assert not ApiToken.objects.exists()


def test_authenticate_returns_the_tokens_active_user(sales_staff):
    _, raw = services.api_token_create(user=sales_staff, name="t")
    assert services.api_token_authenticate(raw) == sales_staff
    for wrong in ("", "sp_", raw + "x", raw[:-1], "Bearer " + raw, raw[3:]):
        assert services.api_token_authenticate(wrong) is None


def test_a_revoked_token_no_longer_works(sales_staff):
    token, raw = services.api_token_create(user=sales_staff, name="t")
    services.api_token_revoke(token=token, actor=sales_staff)
    assert services.api_token_authenticate(raw) is None
    first = ApiToken.objects.get().revoked_at
    assert first is not None
    services.api_token_revoke(token=token, actor=sales_staff)
    assert ApiToken.objects.get().revoked_at == first


def test_an_inactive_users_token_does_not_work(sales_staff):
    _, raw = services.api_token_create(user=sales_staff, name="t")
    sales_staff.is_active = False
    sales_staff.save()
    assert services.api_token_authenticate(raw) is None


@pytest.mark.parametrize("other", ["support_staff", "manager"])
def test_only_its_user_revokes_a_token(request, sales_staff, other):
    token, raw = services.api_token_create(user=sales_staff, name="t")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, actor=request.getfixturevalue(other))
    assert ApiToken.objects.get().is_active
    assert services.api_token_authenticate(raw) == sales_staff


def test_last_used_is_written_at_most_once_a_minute(
    sales_staff, django_assert_num_queries
):
    _, raw = services.api_token_create(user=sales_staff, name="t")
    with django_assert_num_queries(2):  # read, then the first use is recorded
        services.api_token_authenticate(raw)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # read only
        services.api_token_authenticate(raw)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    services.api_token_authenticate(raw)
    assert ApiToken.objects.get().last_used_at > first - timedelta(seconds=1)
    assert ApiToken.objects.get().last_used_at <= timezone.now()


# --- the profile page -------------------------------------------------------------


def test_profile_shows_who_you_are_and_your_tokens(client, sales_staff, manager):
    services.api_token_create(user=sales_staff, name="Mine")
    services.api_token_create(user=manager, name="Not mine")
    client.force_login(sales_staff)
    response = client.get("/profile/")
    page = response.content.decode()
    assert response.status_code == 200
    details = [dd.text for dd in main(response).one("dl", cls="details").select("dd")]
    assert details == [sales_staff.username, "Sales", "Staff"]
    assert "Mine" in page and "Not mine" not in page
    assert "Never" in page  # not used yet


def test_a_new_token_is_shown_once(client, sales_staff):
    client.force_login(sales_staff)
    created = client.post("/profile/", {"name": "Helpdesk sync"})
    # Post, redirect, get: reloading the page that shows the token creates no other.
    assert created.status_code == 302 and created["Location"] == "/profile/"
    response = client.get("/profile/")
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=sales_staff)
    raw = main(response).one("code", cls="token").text
    page = response.content.decode()
    assert raw in page and "it will not be shown again" in page
    assert services.api_token_authenticate(raw) == sales_staff
    again = client.get("/profile/").content.decode()
    assert raw not in again and token.key_prefix in again
    assert ApiToken.objects.filter(user=sales_staff).count() == 1


def test_a_token_needs_a_name_on_the_page(client, sales_staff):
    client.force_login(sales_staff)
    response = client.post("/profile/", {"name": ""})
    assert "Give the token a name." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_from_the_profile(client, sales_staff):
    token, raw = services.api_token_create(user=sales_staff, name="Old script")
    client.force_login(sales_staff)
    response = client.post("/profile/", {"revoke": token.pk}, follow=True)
    assert "is revoked" in response.content.decode()
    assert services.api_token_authenticate(raw) is None


@pytest.mark.parametrize("other", ["support_staff", "manager"])
def test_no_one_else_revokes_a_token_from_their_profile(
    request, client, sales_staff, other
):
    token, raw = services.api_token_create(user=sales_staff, name="t")
    client.force_login(request.getfixturevalue(other))
    assert client.post("/profile/", {"revoke": token.pk}).status_code == 404
    assert client.post("/profile/", {"revoke": "nonsense"}).status_code == 404
    assert services.api_token_authenticate(raw) == sales_staff


def test_profile_refuses_other_methods(client, sales_staff):
    client.force_login(sales_staff)
    assert client.put("/profile/").status_code == 405
