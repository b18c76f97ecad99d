"""Factories for the roster: people with valid resident ID numbers (GB 11643 check digits)."""

import datetime
import random

from stdnum.cn import ric

from suzhi.core.models import DictItem
from suzhi.people.category_keys import category_key
from suzhi.people.models import Person
from suzhi.people.services.counts import person_counted_as, person_counts_follow
from suzhi.people.validation import dunhuang_region

_rng = random.Random(20240410)


def resident_id(birth: datetime.date | None = None, *, male: bool | None = None, region: str | None = None) -> str:
    """A valid 18-character resident ID number (Dunhuang's region code of the birth year by default)."""
    birth = birth or datetime.date(1970, 1, 1) + datetime.timedelta(days=_rng.randrange(0, 365 * 35))
    sequence = _rng.randrange(0, 1000)
    if male is not None and (sequence % 2 == 1) != male:
        sequence = (sequence + 1) % 1000
    body = f"{region or dunhuang_region(birth)}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def category(code: str) -> DictItem:
    return DictItem.objects.get(dict_type__code="person_category", code=code)


def make_person(name: str, organisation, *, categories=("in_post",), phone: str = "", **fields) -> Person:
    """A person stored directly (tests of reads); writes under test go through the services."""
    from pypinyin import Style, lazy_pinyin

    number = fields.pop("id_number", None) or resident_id()
    items = [category(code) for code in categories]
    person = Person.objects.create(
        name=name,
        name_initials="".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower(),
        id_number=number,
        id_last4=number[-4:],
        phone=phone,
        organisation=organisation,
        # As the services keep it: the targets count people by this copy of their categories.
        category_key=category_key(item.pk for item in items),
        **fields,
    )
    person.categories.set(items)
    # And the counts of active people per organisation and category key, as the services keep them.
    person_counts_follow(None, person_counted_as(person))
    return person
