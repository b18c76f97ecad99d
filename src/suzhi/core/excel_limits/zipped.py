"""The checks of zipped spreadsheets (.xlsx/.xlsm, .ods): each part inflated here within its declared size,
the sheets' cell blocks, and the text the shared strings put into the cells."""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from suzhi.core.excel_limits.common import (
    CHUNK,
    Limits,
    column_number,
    damaged,
    not_above,
    refuse,
    too_many,
)

_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']\s*([A-Za-z]*\d*)(?::([A-Za-z]*)(\d*))?")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']\s*([A-Za-z]*)(\d*)")
_SST_START = re.compile(rb"<(?:[\w.-]+:)?sst\s[^>]*?uniqueCount\s*=\s*[\"']\s*(\d+)")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s>]")
_VALUE_INDEX = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>\s*(\d{1,12})\s*<")
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*?)(/?)>")
_ODS_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated\s*=\s*[\"']\s*(\d+)")
_ODS_VALUE = re.compile(rb"office:value-type")

class ZipParts:
    """The parts of an uploaded zip (xlsx, xlsm, ods), inflated here with the sizes checked."""

    def __init__(self, data: bytes, filename: str, limits: Limits) -> None:
        self.data, self.filename, self.limits = data, filename, limits
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise damaged(filename) from exc
        total = 0
        for info in self.archive.infolist():
            total += info.file_size
            if total > limits.unzipped_bytes:
                raise refuse(_("Unpacked, the file would take more than %(mb)d MB.")
                              % {"mb": limits.unzipped_bytes // 2**20})
            if info.file_size > 2**20 and info.file_size > max(info.compress_size, 1) * limits.ratio:
                raise refuse(_("A part of the file unpacks to %(ratio)d times its packed size (at most %(n)d "
                                "allowed); it is not an ordinary spreadsheet.")
                              % {"ratio": info.file_size // max(info.compress_size, 1), "n": limits.ratio})
        self.names = {info.filename: info for info in self.archive.infolist()}

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes, a chunk at a time; refused when it holds more than it declares."""
        offset = info.header_offset
        header = self.data[offset:offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise damaged(self.filename)
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
                raise damaged(self.filename) from exc
            pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise refuse(_("A part of the file holds more data than it declares; it is not an ordinary "
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
            raise refuse(_("The file is not an ordinary spreadsheet."))
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
            if refused := too_many(max_row, max_column, limits):
                raise refused
    return max_row, max_column


def check_xlsx_sheet(archive: ZipParts, info: zipfile.ZipInfo, limits: Limits) -> tuple[int, int]:
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
            if too_many(*box, limits) or box[0] < 1:
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
    inside = not_above(box[1], "letters") + not_above(box[0])
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
            if placed and (refused := too_many(int(ref.group(2)), column_number(ref.group(1)), limits)):
                raise refused
            return _walk_xlsx_sheet(_tags(archive.chunks(info)), limits)
    return box


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def check_shared_strings(archive: ZipParts, sheets: list[zipfile.ZipInfo], cells: int, limits: Limits) -> None:
    info = next((i for name, i in archive.names.items() if name.lower().endswith("sharedstrings.xml")), None)
    if info is None:
        return
    text = archive.whole(info)
    declared = _SST_START.search(text[:4096])
    if declared and int(declared.group(1)) > max(limits.cells, 1):
        raise refuse(_("The file declares more shared texts than a sheet within the limits can hold."))
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
                raise refuse(_("The shared texts would fill the cells with more than %(mb)d MB of text.")
                              % {"mb": limits.text_bytes // 2**20})


def check_ods(archive: ZipParts, limits: Limits) -> None:
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
                if refused := too_many(max(max_row, row + row_repeat), max_column, limits):
                    raise refused
            column += count
        if row_has_value and (refused := too_many(max(max_row, row + row_repeat), max_column, limits)):
            raise refused

