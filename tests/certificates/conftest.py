import pytest

from tests.core.factories import UserFactory, grant


@pytest.fixture
def platform_admin(tree):
    """A system administrator: scope over the whole platform (the default certificate wording is theirs)."""
    user = UserFactory(username="sysadmin", organisation=tree.committee, phone="13900000099")
    grant(user, "system_admin", tree.committee)
    return user


@pytest.fixture
def honours_source():
    """The honours' source registered as the honours app will register it; CURRENT holds the digests."""
    from tests.certificates import example_source

    example_source.register()
    yield example_source.CURRENT
    example_source.unregister()
