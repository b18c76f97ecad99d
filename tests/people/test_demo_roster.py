"""The demo roster's ID numbers: some older workers carry the region code of their number's issue."""

import random
from types import SimpleNamespace

from stdnum.cn import ric

from suzhi.people.demo import roster_rows
from suzhi.people.validation import check_resident_id, dunhuang_region


def test_a_share_of_the_demo_people_are_older_workers_with_historic_region_codes():
    units = [SimpleNamespace(code=f"DH-T-{i:03d}", org_type=SimpleNamespace(code="enterprise")) for i in range(20)]
    numbers = [row[1] for row in roster_rows(random.Random(2024), units)]
    people = [check_resident_id(number) for number in numbers]  # every one is accepted
    historic = [p for p in people if p.number[:6] != dunhuang_region(p.birth_date)]
    assert 0.1 * len(people) < len(historic) < 0.5 * len(people)
    assert {p.number[:6] for p in historic} >= {"622103"}
    assert all(p.birth_date.year < 1987 for p in historic)
    assert not all(ric.is_valid(p.number) for p in historic)  # numbers stdnum's birth-year check refuses
