import pytest

from tests.core.factories import UserFactory, grant


@pytest.fixture
def platform_admin(tree):
    """A system administrator: scope over the whole platform (the default certificate wording is theirs)."""
    user = UserFactory(username="sysadmin", organisation=tree.committee, phone="13900000099")
    grant(user, "system_admin", tree.committee)
    return user
