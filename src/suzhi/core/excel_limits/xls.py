"""The checks of .xls files (a compound file holding BIFF records): the header counts calamine allocates
from, and each sheet's declared dimensions and farthest cell in the Workbook stream."""

import struct

from django.utils.translation import gettext as _

from suzhi.core.excel_limits.common import Limits, refuse, too_many

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE = 0xFFFFFFFA  # sector numbers from here up mark ends and free sectors
_CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x00BD, 0x0006}


def _u32(data: bytes | memoryview, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _xls_workbook_stream(data: bytes, limits: Limits) -> bytes | None:
    """The Workbook stream of a compound file, or None when calamine would refuse the file anyway."""
    if len(data) < 512:
        return None
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    sectors = len(data) // size + 1
    # calamine reserves room from these header counts before reading anything else
    if _u32(data, 44) > sectors or _u32(data, 62) > 0xFFFFFF:
        raise refuse(_("The file is not an ordinary spreadsheet."))

    def sector(number: int) -> bytes:
        return data[(number + 1) * size:(number + 2) * size]

    difat = [_u32(data, at) for at in range(76, 512, 4)]
    number, steps = _u32(data, 68), 0
    while number < _FREE and steps < sectors:
        block = sector(number)
        ids = [_u32(block, at) for at in range(0, len(block) - 3, 4)]
        if not ids:
            break
        difat.extend(ids[:-1])
        number, steps = ids[-1], steps + 1
    fat: list[int] = []
    for number in difat:
        if number < _FREE:
            block = sector(number)
            fat.extend(_u32(block, at) for at in range(0, len(block) - 3, 4))

    def chain(start: int, table: list[int]) -> list[int]:
        numbers: list[int] = []
        while start < _FREE and start < len(table) and len(numbers) <= len(table):
            numbers.append(start)
            start = table[start]
        return numbers

    directory = b"".join(sector(n) for n in chain(_u32(data, 48), fat))
    entries = []
    for at in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, at + 64)[0]
        name = directory[at:at + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        entries.append((name, _u32(directory, at + 116), _u32(directory, at + 120)))
    book = next((e for e in entries if e[0].lower() in ("workbook", "book")), None)
    if not entries or book is None:
        return None
    _name, start, length = book
    if length >= _u32(data, 56):
        return b"".join(sector(n) for n in chain(start, fat))[:length]
    mini_fat: list[int] = []
    for number in chain(_u32(data, 60), fat):
        block = sector(number)
        mini_fat.extend(_u32(block, at) for at in range(0, len(block) - 3, 4))
    mini_stream = b"".join(sector(n) for n in chain(entries[0][1], fat))
    return b"".join(mini_stream[n * 64:(n + 1) * 64] for n in chain(start, mini_fat))[:length]


def check_xls(data: bytes, limits: Limits) -> None:
    stream = _xls_workbook_stream(data, limits)
    if stream is None:
        return
    at, rows, columns = 0, 0, 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        record = stream[at + 4:at + 4 + length]
        at += 4 + length
        if kind == 0x0809:  # a sheet (or a chart inside one) begins
            rows = columns = 0
        elif kind == 0x0200 and len(record) in (10, 14):  # the dimensions calamine reserves a block for
            if len(record) == 14:
                first_row, last_row = struct.unpack_from("<II", record)
                first_column, last_column = struct.unpack_from("<HH", record, 8)
            else:
                first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", record)
            if first_column > 0xFF or last_column < first_column:
                first_column = 0
            if last_row >= 1 and last_column >= 1:
                block_rows, block_columns = last_row - first_row, last_column - first_column
                if block_rows < 1 or block_columns < 1:
                    raise refuse(_("The file is not an ordinary spreadsheet."))
                if refused := too_many(block_rows, block_columns, limits):
                    raise refused
        elif kind in _CELL_RECORDS and len(record) >= 4:
            row, column = struct.unpack_from("<HH", record)
            if kind == 0x00BD and len(record) >= 6:  # several numbers in a row: the last column ends it
                column = max(column, struct.unpack_from("<H", record, len(record) - 2)[0])
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            if refused := too_many(rows, columns, limits):
                raise refused

