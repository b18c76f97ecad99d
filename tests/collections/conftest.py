import pytest

from tests.collections.factories import collection_campaign
from tests.support import make_participant


@pytest.fixture
def activity(tree):
    return collection_campaign(tree)


@pytest.fixture
def worker(tree):
    """(person, user) on unit_a's roster with a participant login."""
    return make_participant(tree, "王五", tree.unit_a)
