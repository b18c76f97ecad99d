import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from suzhi.core.passwords import ComplexityValidator, character_classes


@pytest.mark.parametrize("password", ["abc", "abcdefgh", "abcdefg1", "ABCDEFG1", "12345678", "Ab1!"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        ComplexityValidator().validate(password)


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdef1!", "ABCDEF1!", "密码Abc12345"])
def test_strong_enough_passwords_pass(password):
    ComplexityValidator().validate(password)


@given(st.text(min_size=8, max_size=30))
def test_validator_agrees_with_the_class_count(password):
    ok = character_classes(password) >= 3
    try:
        ComplexityValidator().validate(password)
        assert ok
    except ValidationError:
        assert not ok
