import pytest

from suzhi.campaigns.kinds import register_kind, unregister_kind
from tests.campaigns.example_kind import READING


@pytest.fixture
def reading_kind():
    """The example kind, registered for one test as a kind's AppConfig.ready() would."""
    register_kind(READING)
    yield READING
    unregister_kind("reading")
