"""Single sign-on against a real OpenID provider (oidc-provider on a loopback
port): people created and moved by their groups, refusals of a wrong state or
nonce, an expired code and another issuer's token, and clear pages for a
misconfigured or unreachable provider."""

from __future__ import annotations

import logging

import pytest

from docs_registry.models import User
from sso import config
from sso.models import ProviderIdentity

from .factories import make_user
from .html import parse
from .oidc_provider import OpenIDProvider
from .querycount import cold_and_warm
from .redis_server import free_port
from .sso_flow import (
    CALLBACK,
    PROVIDER_NAME,
    account,
    configure,
    local,
    provider_answer,
    sign_in,
)

pytestmark = pytest.mark.django_db

ANN = account("ann@example.com", "Ann Lee", ["sales"])


@pytest.fixture(scope="module")
def oidc():
    provider = OpenIDProvider(redirect_uris=[CALLBACK], accounts={"ann": ANN})
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def configured(settings, oidc):
    configure(settings, oidc.issuer)
    oidc.set_account("ann", **ANN)
    yield
    oidc.move_clock(0)
    config.forget_discovery()


def signed_in_as(client) -> str | None:
    home = client.get("/")
    return None if home.status_code == 302 else home.wsgi_request.user.username


def heading(response) -> str:
    return parse(response.content.decode()).select("h1")[0].text


def test_the_first_sign_in_creates_the_person_with_the_teams_of_their_groups(
    client, oidc
):
    oidc.set_account("ann", **account("ann@example.com", "Ann Lee", ["Sales"]))
    response = sign_in(client, "ann")
    assert response.status_code == 302
    ann = User.objects.get(email="ann@example.com")
    assert (ann.first_name, ann.last_name) == ("Ann", "Lee")
    assert (ann.in_sales, ann.in_support, ann.is_manager) == (True, False, False)
    assert not ann.has_usable_password()
    assert signed_in_as(client) == ann.username
    assert ann.history.get().history_change_reason == "Single sign-on: first sign-in"


def test_changed_groups_move_the_person_at_the_next_sign_in_with_history(client, oidc):
    sign_in(client, "ann")
    client.logout()
    oidc.set_account(
        "ann", **account("ann@example.com", "Ann Lee", ["support", "kb-managers"])
    )
    sign_in(client, "ann")
    ann = User.objects.get(email="ann@example.com")
    assert (ann.in_sales, ann.in_support, ann.is_manager) == (False, True, True)
    assert ann.history.latest().history_change_reason == (
        "Single sign-on: Sales team no, Support team yes, manager yes"
    )


def test_nobody_is_a_manager_unless_the_groups_claim_says_so(client, oidc):
    make_user("boss", email="ann@example.com", is_manager=True, in_sales=True)
    sign_in(client, "ann")
    assert User.objects.get(username="boss").is_manager is False


def test_a_person_removed_from_every_group_gets_the_no_access_page(client, oidc):
    sign_in(client, "ann")
    client.logout()
    oidc.set_account("ann", **account("ann@example.com", "Ann Lee", ["marketing"]))
    response = sign_in(client, "ann")
    assert response.status_code == 403
    assert heading(response) == "You do not have access to Samepage"
    assert signed_in_as(client) is None
    ann = User.objects.get(email="ann@example.com")
    assert (ann.in_sales, ann.in_support, ann.is_manager) == (False, False, False)


def test_someone_in_no_mapped_group_is_never_created(client, oidc):
    oidc.set_account("ann", **account("ann@example.com", "Ann Lee", []))
    assert sign_in(client, "ann").status_code == 403
    assert not User.objects.exists()


def test_an_existing_person_is_linked_by_verified_email_then_found_by_subject(
    client, oidc
):
    make_user("ann-lee", email="Ann@Example.com")
    sign_in(client, "ann")
    client.logout()
    oidc.set_account("ann", **account("ann.lee@example.com", "Ann Lee", ["sales"]))
    sign_in(client, "ann")
    ann = User.objects.get()
    assert (ann.username, ann.email) == ("ann-lee", "ann.lee@example.com")
    assert ann.provider_identity.subject == "ann"


def test_an_unverified_email_never_takes_over_an_existing_person(client, oidc):
    make_user("ann-lee", email="ann@example.com", is_superuser=True)
    oidc.set_account("ann", **(ANN | {"email_verified": False}))
    response = sign_in(client, "ann")
    assert response.status_code == 400
    assert signed_in_as(client) is None
    assert not ProviderIdentity.objects.exists()


def test_a_wrong_state_is_refused(client):
    answer = provider_answer(client, "ann")
    response = client.get(local(answer).replace("state=", "state=x"))
    assert response.status_code == 400
    assert heading(response) == "Sign-in did not complete"
    assert signed_in_as(client) is None


def test_a_wrong_nonce_is_refused(client):
    answer = provider_answer(client, "ann")
    session = client.session
    for started in session["oidc_states"].values():
        started["nonce"] = "not-the-nonce-the-provider-signed"
    session.save()
    response = client.get(local(answer))
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_an_answer_is_accepted_once(client):
    answer = provider_answer(client, "ann")
    assert client.get(local(answer)).status_code == 302
    client.logout()
    assert client.get(local(answer)).status_code == 400


def test_an_expired_code_is_refused(client, oidc, caplog):
    answer = provider_answer(client, "ann")
    oidc.move_clock(5 * 60)  # the provider's codes live a minute
    with caplog.at_level(logging.INFO, logger="sso"):
        response = client.get(local(answer))
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert signed_in_as(client) is None
    assert [r.message for r in caplog.records if r.name == "sso"] == [
        "Single sign-on refused: the code was expired or used"
    ]


@pytest.mark.parametrize("same_signing_key", [True, False])
def test_a_token_from_another_issuer_is_refused(
    client, settings, oidc, same_signing_key
):
    """A provider that is not the configured one answers the sign-in (as if its
    endpoints had been swapped in): refused by its issuer even when it signs with
    a key the configured provider publishes, and by its signature otherwise."""
    other = OpenIDProvider(
        redirect_uris=[CALLBACK],
        accounts={"ann": ANN},
        keys=oidc.keys if same_signing_key else None,
    )
    other.start()
    try:
        endpoints = config.discovery(config.provider())
        for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
            endpoints[name] = endpoints[name].replace(oidc.issuer, other.issuer)
        response = sign_in(client, "ann")
    finally:
        other.stop()
    assert response.status_code == 400
    assert signed_in_as(client) is None
    assert not User.objects.exists()


def test_a_wrong_client_secret_gives_a_clear_page_and_one_log_line(
    client, settings, caplog
):
    settings.SAMEPAGE_OIDC_CLIENT_SECRET = "not-the-secret"
    with caplog.at_level(logging.INFO, logger="sso"):
        response = sign_in(client, "ann")
    assert response.status_code == 502
    assert heading(response) == "Sign-in is not set up correctly"
    sso_lines = [r for r in caplog.records if r.name == "sso"]
    assert len(sso_lines) == 1
    assert "SAMEPAGE_OIDC_CLIENT_SECRET" in sso_lines[0].getMessage()


def test_an_unreachable_provider_gives_a_clear_page_and_one_log_line(
    client, settings, caplog
):
    settings.SAMEPAGE_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    config.forget_discovery()
    with caplog.at_level(logging.INFO, logger="sso"):
        response = client.get("/sso/start/")
    assert response.status_code == 503
    assert heading(response) == f"{PROVIDER_NAME} cannot be reached"
    assert len([r for r in caplog.records if r.name == "sso"]) == 1


def test_the_sign_in_page_offers_the_provider_first(client):
    page = parse(client.get("/accounts/login/").content.decode())
    section = page.select("section")[0]
    first_action = [e for e in section.select() if e.tag in {"a", "form"}][0]
    assert first_action.text == f"Sign in with {PROVIDER_NAME}"
    assert first_action.attrs["href"] == "/sso/start/"


def test_passwords_off_leave_only_the_break_glass_superuser(client, settings):
    settings.SAMEPAGE_PASSWORD_LOGIN = False
    make_user("staff", in_sales=True)
    make_user("root", is_superuser=True, is_staff=True)
    refused = client.post("/accounts/login/", {"username": "staff", "password": "pw"})
    assert refused.status_code == 200
    assert signed_in_as(client) is None
    client.post("/accounts/login/", {"username": "root", "password": "pw"})
    assert signed_in_as(client) == "root"


def test_without_a_provider_the_sign_in_page_is_the_password_form(client, settings):
    settings.SAMEPAGE_OIDC_ISSUER = ""
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page
    assert client.get("/sso/start/").status_code == 404


def test_refused_answers_pause_the_address_like_failed_passwords(client, settings):
    settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT = 2
    for _ in range(2):
        client.get("/sso/callback/?code=forged&state=forged")
    answer = provider_answer(client, "ann")
    assert client.get(local(answer)).status_code == 429
    password = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert password.status_code == 429


def test_a_person_deactivated_in_samepage_is_not_signed_in(client):
    sign_in(client, "ann")
    client.logout()
    User.objects.filter(email="ann@example.com").update(is_active=False)
    assert sign_in(client, "ann").status_code == 400
    assert signed_in_as(client) is None


def test_the_sign_in_page_with_a_provider_costs_no_query(client):
    assert cold_and_warm(client, "/accounts/login/") == (0, 0)


def test_the_discovery_document_is_fetched_at_first_use_only(client, monkeypatch):
    fetched = []
    real_get = config.requests.get

    def counting_get(url, **kwargs):
        if url.endswith(config.DISCOVERY_PATH):
            fetched.append(url)
        return real_get(url, **kwargs)

    monkeypatch.setattr(config.requests, "get", counting_get)
    assert fetched == []
    sign_in(client, "ann")
    client.logout()
    sign_in(client, "ann")
    assert len(fetched) == 1


def test_an_account_locked_for_wrong_passwords_still_signs_in_at_the_provider(
    client, settings
):
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(client, "ann")
    client.logout()
    username = User.objects.get().username
    locked = client.post("/accounts/login/", {"username": username, "password": "x"})
    assert "Too many failed sign-ins" in locked.content.decode()
    assert sign_in(client, "ann").status_code == 302
    assert signed_in_as(client) == username


def test_a_provider_gone_during_the_sign_in_gives_a_clear_page(
    client, settings, caplog
):
    short_lived = OpenIDProvider(redirect_uris=[CALLBACK], accounts={"ann": ANN})
    short_lived.start()
    try:
        configure(settings, short_lived.issuer)
        answer = provider_answer(client, "ann")
    finally:
        short_lived.stop()
    with caplog.at_level(logging.INFO, logger="sso"):
        response = client.get(local(answer))
    assert response.status_code == 503
    assert len([r for r in caplog.records if r.name == "sso"]) == 1
    assert signed_in_as(client) is None
