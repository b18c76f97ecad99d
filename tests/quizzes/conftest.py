import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The parser tests read the English source messages; test_chinese_messages checks the default language."""
    with translation.override("en"):
        yield
