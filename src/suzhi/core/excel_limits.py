"""Limits checked before python-calamine sees an uploaded spreadsheet.

calamine builds the whole first sheet as one block from A1 to its last cell and aborts the process when that
block cannot be allocated: a 2 KB .xlsx with cells at A1 and XFD1048576 asks for 512 GiB. It also keeps every
shared string, copies a shared string into each cell using it, and inflates zip parts whatever size they
declare. So, for .xlsx/.xlsm/.ods, before calamine runs:

- each zip part's declared size, the total and the compression ratio are checked, and each part is inflated here
  in chunks, never beyond its declared size (a part whose data is longer than it declares is refused);
- the sheet XML is scanned chunk by chunk. The common file (every row and cell tagged with its reference, first)
  is checked by one regular-expression search per chunk against the block the sheet declares in <dimension>;
  anything else is walked tag by tag the way calamine places cells, stopping at the first limit exceeded;
- the text the shared strings put into the cells (calamine copies one into each cell using it) is bounded.

For .xls (a compound file holding BIFF records), the header counts calamine allocates from are checked, and the
Workbook stream's records are read for each sheet's declared dimensions and its farthest cell. An .xlsb (binary
cells in a zip) is refused: the platform does not take that format. The limits are settings (SUZHI_SHEET_*; see
config/settings.py).
"""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed

CHUNK = 4 << 20
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']\s*([A-Za-z]*\d*)(?::([A-Za-z]*)(\d*))?")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']\s*([A-Za-z]*)(\d*)")
_SST_START = re.compile(rb"<(?:[\w.-]+:)?sst\s[^>]*?uniqueCount\s*=\s*[\"']\s*(\d+)")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s>]")
_VALUE_INDEX = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>\s*(\d{1,12})\s*<")
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*?)(/?)>")
_ODS_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated\s*=\s*[\"']\s*(\d+)")
_ODS_VALUE = re.compile(rb"office:value-type")


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    rows: int
    columns: int
    cells: int
    unzipped_bytes: int
    ratio: int
    text_bytes: int

    @classmethod
    def current(cls) -> "Limits":
        return cls(
            file_bytes=int(getattr(settings, "SUZHI_UPLOAD_MAX_BYTES", 20 * 2**20)),
            rows=int(getattr(settings, "SUZHI_SHEET_MAX_ROWS", 200_000)),
            columns=int(getattr(settings, "SUZHI_SHEET_MAX_COLUMNS", 200)),
            cells=int(getattr(settings, "SUZHI_SHEET_MAX_CELLS", 4_000_000)),
            unzipped_bytes=int(getattr(settings, "SUZHI_SHEET_MAX_UNZIPPED_BYTES", 400 * 2**20)),
            ratio=int(getattr(settings, "SUZHI_SHEET_MAX_ZIP_RATIO", 200)),
            text_bytes=int(getattr(settings, "SUZHI_SHEET_MAX_TEXT_BYTES", 200 * 2**20)),
        )


def _refuse(message: Any, code: str = CoreErrors.FILE_TOO_LARGE) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _damaged(filename: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s” could not be read as a spreadsheet; it may be damaged.") % {"name": filename},
        code=CoreErrors.NOT_A_SPREADSHEET,
    )


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _not_above(limit: int, digits: str = "0123456789") -> bytes:
    """A regular expression matching the numbers 1..limit written in `digits` (base 10, or base 26 letters
    A..Z, which calamine also reads in lower case), with any leading zeros for base 10."""
    if digits.isdigit():
        text = str(limit)
        parts = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
        for i, char in enumerate(text):
            if char > "0" or i > 0:
                low = "1" if i == 0 else "0"
                if char > low:
                    parts.append(text[:i] + f"[{low}-{chr(ord(char) - 1)}]" + r"\d" * (len(text) - i - 1))
        parts.append(text)
        return ("0*(?:" + "|".join(parts) + ")").encode()
    text = _column_letters(limit)
    parts = [f"[A-Za-z]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, char in enumerate(text):
        if char > "A":
            below = f"[A-{chr(ord(char) - 1)}a-{chr(ord(char) + 31)}]"
            parts.append("".join(f"[{c}{c.lower()}]" for c in text[:i]) + below + "[A-Za-z]" * (len(text) - i - 1))
    parts.append("".join(f"[{c}{c.lower()}]" for c in text))
    return ("(?:" + "|".join(parts) + ")").encode()


def _too_many(rows: int, columns: int, limits: Limits) -> ValidationFailed | None:
    if rows > limits.rows:
        return _refuse(_("The sheet has more than %(n)d rows; split it into several files.") % {"n": limits.rows})
    if columns > limits.columns:
        return _refuse(_("The sheet has more than %(n)d columns.") % {"n": limits.columns})
    if rows * columns > limits.cells:
        return _refuse(
            _("The sheet spans %(rows)d rows by %(columns)d columns, more than %(n)d cells; remove the cells far "
              "from the data or split the file.") % {"rows": rows, "columns": columns, "n": limits.cells}
        )
    return None


class _Zip:
    """The parts of an uploaded zip (xlsx, xlsm, ods), inflated here with the sizes checked."""

    def __init__(self, data: bytes, filename: str, limits: Limits) -> None:
        self.data, self.filename, self.limits = data, filename, limits
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _damaged(filename) from exc
        total = 0
        for info in self.archive.infolist():
            total += info.file_size
            if total > limits.unzipped_bytes:
                raise _refuse(_("Unpacked, the file would take more than %(mb)d MB.")
                              % {"mb": limits.unzipped_bytes // 2**20})
            if info.file_size > 2**20 and info.file_size > max(info.compress_size, 1) * limits.ratio:
                raise _refuse(_("A part of the file unpacks to %(ratio)d times its packed size (at most %(n)d "
                                "allowed); it is not an ordinary spreadsheet.")
                              % {"ratio": info.file_size // max(info.compress_size, 1), "n": limits.ratio})
        self.names = {info.filename: info for info in self.archive.infolist()}

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes, a chunk at a time; refused when it holds more than it declares."""
        offset = info.header_offset
        header = self.data[offset:offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise _damaged(self.filename)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = offset + 30 + name_length + extra_length
        raw = memoryview(self.data)[start:start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            for at in range(0, len(raw), CHUNK):
                yield bytes(raw[at:at + CHUNK])
            return
        if info.compress_type != zipfile.ZIP_DEFLATED:
            return  # calamine reads deflate only: it refuses the file itself
        inflater = zlib.decompressobj(-15)
        produced = 0
        pending = b""
        at = 0
        while True:
            if not pending:
                if at >= len(raw):
                    break
                pending, at = bytes(raw[at:at + CHUNK]), at + CHUNK
            try:
                out = inflater.decompress(pending, CHUNK)
            except zlib.error as exc:
                raise _damaged(self.filename) from exc
            pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise _refuse(_("A part of the file holds more data than it declares; it is not an ordinary "
                                "spreadsheet."))
            if out:
                yield out
            if inflater.eof:
                break

    def whole(self, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(info))


def _tags(chunks: Iterator[bytes]) -> Iterator[Any]:
    """The XML in pieces (bytes or views of them) that end after a '>', so no tag is cut between two pieces."""
    carry = b""
    for chunk in chunks:
        if carry:
            chunk = carry + chunk
        cut = chunk.rfind(b">") + 1
        carry = chunk[cut:]
        if cut:
            yield memoryview(chunk)[:cut] if carry else chunk
        if len(carry) > 64 * CHUNK:  # one tag of 64 MB
            raise _refuse(_("The file is not an ordinary spreadsheet."))
    if carry:
        yield carry


def _walk_xlsx_sheet(pieces: Iterator[bytes], limits: Limits) -> tuple[int, int]:
    """The rows and columns of the block calamine builds (A1 to the farthest cell), placing the cells as it
    does: a cell's own reference, else the row's and the next column; refused as soon as a limit is passed."""
    row = column = 0  # calamine's 0-based position of the next cell
    max_row = max_column = 0  # 1-based extent
    for piece in pieces:
        for match in _TAG.finditer(piece):
            closing, name, attributes = match.groups()
            if closing:
                if name == b"row":
                    row, column = row + 1, 0
                continue
            if attributes.endswith(b"/"):
                continue  # an empty element: calamine places nothing
            ref = _R_ATTR.search(attributes)
            if name == b"row":
                if ref and ref.group(2):
                    row = int(ref.group(2)) - 1
                continue
            if ref and ref.group(1) and ref.group(2):
                row, column = int(ref.group(2)) - 1, column_number(ref.group(1)) - 1
            max_row, max_column = max(max_row, row + 1), max(max_column, column + 1)
            column += 1
            if refused := _too_many(max_row, max_column, limits):
                raise refused
    return max_row, max_column


def _check_xlsx_sheet(archive: _Zip, info: zipfile.ZipInfo, limits: Limits) -> tuple[int, int]:
    """The sheet's block (rows, columns), checked against the limits, without parsing every cell in Python
    when the sheet is written the usual way."""
    pieces = _tags(archive.chunks(info))
    first = next(pieces, b"")
    declared = _DIMENSION.search(bytes(first[:65536]))
    box = None
    if declared:
        start, end_letters, end_digits = declared.groups()
        if end_letters is None:  # a one-cell dimension such as "A1"
            end_letters, end_digits = re.match(rb"([A-Za-z]*)(\d*)", start).groups()
        if end_letters and end_digits:
            box = (int(end_digits), column_number(end_letters))
            if _too_many(*box, limits) or box[0] < 1:
                box = None  # maybe styled empty cells far away: count the cells themselves
    if box is None and not declared:  # openpyxl's write-only mode writes none: the most rows the limits allow
        box = (limits.rows, max(1, min(limits.columns, limits.cells // max(limits.rows, 1))))
    if box is None:
        return _walk_xlsx_sheet(_chain(first, pieces), limits)
    # Every row and cell tag must start with its reference inside the declared block; any other tag (no
    # reference, another attribute first, a namespace prefix, a reference outside the block) sends the
    # sheet to the walk, which places each cell the way calamine does.
    # When every cell tag starts with its reference and that reference is inside the block, no cell lies outside
    # it (row tags only place cells without a reference). Two searches starting with a literal run faster than
    # one: a cell tag with a namespace prefix, and one whose first attribute is not a reference inside the block.
    inside = _not_above(box[1], "letters") + _not_above(box[0])
    odd = (re.compile(rb":c[\s>/]"), re.compile(rb'<c(?! r="' + inside + rb'")[\s>/]'))
    for piece in _chain(first, pieces):
        if odd[0].search(piece):
            return _walk_xlsx_sheet(_tags(archive.chunks(info)), limits)  # from the start again
        if outside := odd[1].search(piece):
            # a cell placed beyond the limits is refused at once; anything else is walked from the start
            tag = bytes(piece[outside.start():outside.start() + 200])
            tag = tag[:tag.find(b">") + 1] if b">" in tag else b""
            ref = _R_ATTR.search(tag[2:])
            placed = ref and ref.group(1) and ref.group(2) and not tag.endswith(b"/>")
            if placed and (refused := _too_many(int(ref.group(2)), column_number(ref.group(1)), limits)):
                raise refused
            return _walk_xlsx_sheet(_tags(archive.chunks(info)), limits)
    return box


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _check_shared_strings(archive: _Zip, sheets: list[zipfile.ZipInfo], cells: int, limits: Limits) -> None:
    info = next((i for name, i in archive.names.items() if name.lower().endswith("sharedstrings.xml")), None)
    if info is None:
        return
    text = archive.whole(info)
    declared = _SST_START.search(text[:4096])
    if declared and int(declared.group(1)) > max(limits.cells, 1):
        raise _refuse(_("The file declares more shared texts than a sheet within the limits can hold."))
    starts = [m.start() for m in _SI.finditer(text)] + [len(text)]
    lengths = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    if not lengths or cells * max(lengths) <= limits.text_bytes:
        return
    total = 0
    for sheet in sheets:  # the exact sum: the shared text each value of the sheet could bring
        for piece in _tags(archive.chunks(sheet)):
            for index in _VALUE_INDEX.findall(piece):
                i = int(index)
                if i < len(lengths):
                    total += lengths[i]
            if total > limits.text_bytes:
                raise _refuse(_("The shared texts would fill the cells with more than %(mb)d MB of text.")
                              % {"mb": limits.text_bytes // 2**20})


def _check_ods(archive: _Zip, limits: Limits) -> None:
    info = archive.names.get("content.xml")
    if info is None:
        return
    row = 0
    max_row = max_column = 0
    column = 0
    row_repeat = 1
    row_has_value = False
    for piece in _tags(archive.chunks(info)):
        for match in _ODS_TAG.finditer(piece):
            closing, name, attributes, empty = match.groups()
            if name == b"table":  # calamine expands every table of the file when it opens it
                row = max_row = max_column = column = 0
                row_repeat, row_has_value = 1, False
                continue
            if name == b"table-row":
                if closing or empty:
                    if row_has_value:
                        max_row = max(max_row, row + (row_repeat if not empty else 1))
                    repeat = _ODS_REPEAT.search(attributes) if empty else None
                    row += int(repeat.group(1)) if repeat else row_repeat if closing else 1
                    column, row_repeat, row_has_value = 0, 1, False
                else:
                    repeat = _ODS_REPEAT.search(attributes)
                    row_repeat = max(1, int(repeat.group(1))) if repeat else 1
                    column, row_has_value = 0, False
                continue
            if closing:
                continue
            repeat = _ODS_REPEAT.search(attributes)
            count = max(1, int(repeat.group(1))) if repeat else 1
            if not empty or _ODS_VALUE.search(attributes):
                row_has_value = True
                max_column = max(max_column, column + count)
                if refused := _too_many(max(max_row, row + row_repeat), max_column, limits):
                    raise refused
            column += count
        if row_has_value and (refused := _too_many(max(max_row, row + row_repeat), max_column, limits)):
            raise refused


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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
        raise _refuse(_("The file is not an ordinary spreadsheet."))

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


def _check_xls(data: bytes, limits: Limits) -> None:
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
                    raise _refuse(_("The file is not an ordinary spreadsheet."))
                if refused := _too_many(block_rows, block_columns, limits):
                    raise refused
        elif kind in _CELL_RECORDS and len(record) >= 4:
            row, column = struct.unpack_from("<HH", record)
            if kind == 0x00BD and len(record) >= 6:  # several numbers in a row: the last column ends it
                column = max(column, struct.unpack_from("<H", record, len(record) - 2)[0])
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            if refused := _too_many(rows, columns, limits):
                raise refused


def check_spreadsheet(data: bytes, filename: str) -> None:
    """Refuse, with a Chinese message giving the limit, a spreadsheet calamine should not be given."""
    limits = Limits.current()
    if len(data) > limits.file_bytes:
        raise _refuse(_("The file is larger than %(mb)d MB.") % {"mb": limits.file_bytes // 2**20})
    if (filename or "").lower().endswith(".csv"):
        return  # read by Python's csv module
    if data.startswith(_CFB_MAGIC):
        _check_xls(data, limits)  # calamine goes by the content, not the name
        return
    if not data.startswith(b"PK"):
        return  # neither zip nor compound file: calamine refuses it as damaged
    archive = _Zip(data, filename, limits)
    names = archive.names
    if any(re.match(r"xl/worksheets/[^/]+\.bin$", n, re.IGNORECASE) for n in names):
        raise ValidationFailed(
            _("“%(name)s” is not a spreadsheet. Upload an .xlsx, .xls, .ods or .csv file.") % {"name": filename},
            code=CoreErrors.NOT_A_SPREADSHEET,
        )
    sheets = [i for n, i in names.items() if re.match(r"xl/worksheets/[^/]+\.xml$", n, re.IGNORECASE)]
    cells = 0
    for sheet in sheets:
        rows, columns = _check_xlsx_sheet(archive, sheet, limits)
        cells = max(cells, rows * columns)
    if "content.xml" in names:
        _check_ods(archive, limits)
    for name, info in names.items():
        if info not in sheets and name != "content.xml" and not name.lower().endswith("sharedstrings.xml"):
            archive.whole(info)
    _check_shared_strings(archive, sheets, cells, limits)
