"""Helpers shared by the persons tests (no tests here).

Valid resident ID numbers: the shared factory computes the check digit over 16 digits, and stdnum
knows no region 620982, so its numbers fail the service's checks (see the report).
"""

import datetime
import itertools

from stdnum.cn import ric

from tests.people import factories

_serial = itertools.count(1)


def resident_id(birth: datetime.date | None = None, *, male: bool | None = None, region: str = "110105") -> str:
    birth = birth or datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_serial) * 37 % 9000)
    sequence = next(_serial) % 500 * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(name: str, organisation, **fields):
    fields.setdefault("id_number", resident_id())
    number = fields["id_number"]
    fields.setdefault("birth_date", datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])))
    return factories.make_person(name, organisation, **fields)
