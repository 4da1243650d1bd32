import pytest

from tests import factories


@pytest.fixture
def make():
    """The factories, as a fixture: ``make.article(...)``."""
    return factories


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "correct horse battery")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
