"""Role fixtures: the people every test talks about."""

import pytest

from docs_registry.models import Category, User

from .factories import make_category, make_document, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(db) -> User:
    return make_user("manager", is_manager=True)


@pytest.fixture
def owner(db) -> User:
    return make_user("sales-lead", in_sales=True)


@pytest.fixture
def sales_staff(db) -> User:
    return make_user("sales", in_sales=True)


@pytest.fixture
def support_staff(db) -> User:
    return make_user("support", in_support=True)


@pytest.fixture
def category(db) -> Category:
    return make_category()


@pytest.fixture
def document(owner, manager, category):
    return make_document(owner=owner, manager=manager, category=category)
