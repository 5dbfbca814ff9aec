"""Authentication backends: the identity provider's (mozilla-django-oidc's code
flow, configured from sso.config), and passwords, which SAMEPAGE_PASSWORD_LOGIN=0
keeps for superusers alone."""

from __future__ import annotations

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import services
from .config import Provider, discovery, provider

SIGNING_ALGORITHM = "RS256"


def oidc_setting(config: Provider, name: str, *default):
    """What mozilla-django-oidc asks of settings, from the provider's config."""
    fixed = {
        "OIDC_RP_CLIENT_ID": config.client_id,
        "OIDC_RP_CLIENT_SECRET": config.client_secret,
        "OIDC_RP_SCOPES": config.scopes,
        "OIDC_RP_SIGN_ALGO": SIGNING_ALGORITHM,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_TOKEN_USE_BASIC_AUTH": True,
        "OIDC_TIMEOUT": config.timeout,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
    }
    if name in fixed:
        return fixed[name]
    return import_from_settings(name, *default)


class PasswordBackend(ModelBackend):
    """Django's password check; with SAMEPAGE_PASSWORD_LOGIN off, only superusers
    (the break-glass account for when the provider is down) pass it."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and (
            settings.SAMEPAGE_PASSWORD_LOGIN or user.is_superuser
        )


class ProviderBackend(OIDCAuthenticationBackend):
    """The code flow's last steps: redeem the code (with the PKCE verifier),
    verify the ID token — signature, nonce, and also issuer, audience and expiry,
    which the library leaves out — then sign the person in through
    services.person_sign_in."""

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, passwords included: the
        # provider is read only when a code arrives.
        self.UserModel = get_user_model()

    def authenticate(self, request, nonce=None, code_verifier=None, **credentials):
        config = provider()
        if credentials or nonce is None or request is None or config is None:
            return None  # not a callback from the provider
        endpoints = discovery(config)
        self.config = config
        self.issuer = endpoints["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = config.client_secret
        self.OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def get_settings(self, name, *default):
        return oidc_setting(self.config, name, *default)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != SIGNING_ALGORITHM:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[SIGNING_ALGORITHM],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            user_info = self.get_userinfo(access_token, id_token, payload)
            if user_info.get("sub") != payload.get("sub"):
                raise services.SignInRefused("userinfo is about another subject")
            claims |= user_info
        return services.person_sign_in(
            config=self.config, issuer=self.issuer, claims=claims
        )

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
