import pytest

from articles.api.models import ApiKey, Partner


@pytest.fixture
def partner(db):
    return Partner.objects.create(name="Riverside Surgery", contact_email="web@riverside.example")


@pytest.fixture
def key(partner):
    """A partner's raw key (shown once), as a header for the test client."""
    _key, raw = ApiKey.issue(partner=partner, name="website")
    return raw


@pytest.fixture
def api(client, key):
    """The test client sending the partner's key."""

    def get(path, **extra):
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}", **extra)

    return get
