import pytest

from tests.competitions.factories import make_competition, measured_settings
from tests.core.factories import UserFactory, grant


@pytest.fixture
def contest(tree):
    """The city's competition (organised by the federation), every component entered, two per unit at most."""
    return make_competition(tree.federation, settings=measured_settings(per_unit=2))


@pytest.fixture
def second_admin(tree):
    user = UserFactory(username="committee2", organisation=tree.committee)
    grant(user, "committee_admin", tree.committee)
    return user
