"""Signing a person in from the identity provider's claims: who they are, and
the teams and role their groups give them, applied at every sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from docs_registry.models import User
from docs_registry.services.history import save_with_history

from .config import Provider
from .models import ProviderIdentity

NAME_MAX_LENGTH = 150


class NoAccess(Exception):
    """The person is in none of the groups mapped to Samepage."""


class SignInRefused(Exception):
    """The claims cannot be matched safely to one person."""


@dataclass(frozen=True)
class Membership:
    in_sales: bool
    in_support: bool
    is_manager: bool

    @property
    def grants_access(self) -> bool:
        return self.in_sales or self.in_support or self.is_manager


def membership_from_groups(*, config: Provider, groups: object) -> Membership:
    """The teams and role the provider's groups claim gives. Group names compare
    without regard to case; a claim that is missing or not a list of names gives
    nothing, so nobody becomes a manager unless the claim says so."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        groups = []
    names = {str(group).strip().lower() for group in groups}

    def among(mapped: frozenset[str]) -> bool:
        return bool(names & {group.lower() for group in mapped})

    return Membership(
        in_sales=among(config.sales_groups),
        in_support=among(config.support_groups),
        is_manager=among(config.manager_groups),
    )


def person_sign_in(*, config: Provider, issuer: str, claims: dict) -> User:
    """The person these verified claims name, created or updated so that their
    email, name, teams and manager role are what the provider says now; each
    change is saved with history ("Single sign-on: ...").

    The person is found by the provider's subject (`sub`) stored at their first
    sign-in; failing that, an existing person is linked by email only when the
    provider says the address is verified. Raises SignInRefused when the claims
    lack `sub` or email, or the email belongs to someone that cannot be linked
    safely; raises NoAccess (after saving the changes, so a person removed from
    every group loses their teams and role) when no mapped group is given. A
    person in no mapped group is never created."""
    membership = membership_from_groups(
        config=config, groups=claims.get(config.groups_claim)
    )
    person = _person_update(
        config=config, issuer=issuer, claims=claims, membership=membership
    )
    if person is None or not membership.grants_access:
        raise NoAccess
    return person


@transaction.atomic
def _person_update(
    *, config: Provider, issuer: str, claims: dict, membership: Membership
) -> User | None:
    subject = str(claims.get("sub") or "")
    email = str(claims.get(config.email_claim) or "").strip()
    if not subject or not email:
        raise SignInRefused("the provider sent no subject or no email address")
    identity = (
        ProviderIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        person = identity.user
    else:
        person = _person_by_email(email=email, verified=claims.get("email_verified"))
        if person is None and not membership.grants_access:
            return None
        if person is None:
            person = User(username=_free_username(email))
            person.set_unusable_password()
        elif ProviderIdentity.objects.filter(user=person).exists():
            raise SignInRefused(
                f"{email} is already linked to another identity at the provider"
            )
    changes = _apply(person, config=config, claims=claims, membership=membership)
    if person.pk is None or changes:
        reason = "Single sign-on: " + (
            "first sign-in" if person.pk is None else ", ".join(changes)
        )
        save_with_history(person, actor=None, reason=reason)
    if identity is None:
        ProviderIdentity.objects.create(user=person, issuer=issuer, subject=subject)
    return person


def _person_by_email(*, email: str, verified: object) -> User | None:
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if not matches:
        return None
    if len(matches) > 1:
        raise SignInRefused(f"more than one person has the email address {email}")
    if verified is not True:
        raise SignInRefused(
            f"{email} belongs to an existing person, and the provider does not "
            "say the address is verified"
        )
    return matches[0]


def _free_username(email: str) -> str:
    base = email.lower()[:NAME_MAX_LENGTH]
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        suffix = f"-{number}"
        username = base[: NAME_MAX_LENGTH - len(suffix)] + suffix
    return username


def _apply(
    person: User, *, config: Provider, claims: dict, membership: Membership
) -> list[str]:
    """Set what the claims say on `person`; the list of what changed, in words."""
    first, last = _names(claims, config.name_claim)
    wanted = {
        "email": str(claims.get(config.email_claim)).strip(),
        "first_name": first,
        "last_name": last,
        "in_sales": membership.in_sales,
        "in_support": membership.in_support,
        "is_manager": membership.is_manager,
    }
    changes = []
    for field, value in wanted.items():
        if field in {"first_name", "last_name"} and not value:
            continue  # a provider that sends no name leaves the one we have
        if getattr(person, field) != value:
            setattr(person, field, value)
            label = User._meta.get_field(field).verbose_name
            changes.append(
                f"{label} {'yes' if value else 'no'}"
                if isinstance(value, bool)
                else f"{label} changed"
            )
    return changes


def _names(claims: dict, name_claim: str) -> tuple[str, str]:
    given = str(claims.get("given_name") or "").strip()
    family = str(claims.get("family_name") or "").strip()
    if not (given or family):
        given, _, family = str(claims.get(name_claim) or "").strip().partition(" ")
    return given[:NAME_MAX_LENGTH], family.strip()[:NAME_MAX_LENGTH]
