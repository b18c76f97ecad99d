"""A person's categories as one string: the format the campaign targets match with LIKE '%,id,%'."""

import re

from hypothesis import given
from hypothesis import strategies as st

from suzhi.people.category_keys import category_ids, category_key

ids = st.lists(st.integers(min_value=1, max_value=10**9), max_size=12)


def test_no_categories_is_the_empty_key():
    assert category_key([]) == ""
    assert category_ids("") == frozenset()


def test_the_key_is_the_sorted_ids_between_commas():
    assert category_key([17, 3]) == ",3,17,"
    assert category_key(iter([5])) == ",5,"
    assert category_key([3, 17, 3]) == ",3,17,"
    assert category_ids(",3,17,") == frozenset({3, 17})


@given(ids)
def test_one_set_one_key_and_back(values):
    key = category_key(values)
    assert key == category_key(reversed(values)) == category_key(sorted(set(values)))
    assert category_ids(key) == frozenset(values)
    assert key == "" or re.fullmatch(r",(\d+,)+", key)


@given(ids, st.integers(min_value=1, max_value=10**9))
def test_holding_a_category_is_a_substring_match(values, wanted):
    """What `category_key LIKE '%,3,%'` relies on: 3 never matches 13 or 31."""
    assert (f",{wanted}," in category_key(values)) == (wanted in values)


def test_keys_fit_the_column_with_every_category_today():
    """max_length 255 holds 30 ids of seven digits: far more categories than the dictionary has."""
    assert len(category_key(range(1_000_000, 1_000_030))) <= 255
