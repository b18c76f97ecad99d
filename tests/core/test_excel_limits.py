"""Spreadsheets that would make python-calamine allocate without bound are refused before calamine sees them.

Every file here is a few kilobytes built in the test; calamine is replaced by a recorder wherever the file must be
refused, so an unguarded read fails the test instead of aborting the process."""

import io
import struct
import zipfile

import pytest
import python_calamine

from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import read_rows

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheet_data: str, *, dimension: str = "", shared: list[str] | None = None, prefix: str = "",
         extra: dict[str, bytes] | None = None) -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{NS}" xmlns:r="{DOC_RELS}"><sheets><sheet name="S" sheetId="1" '
                            'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else "") + "</Relationships>"),
        "xl/worksheets/sheet1.xml": f"<{p}worksheet {xmlns}>{dim}<{p}sheetData>{sheet_data}</{p}sheetData>"
                                    f"</{p}worksheet>",
    }
    if shared is not None:
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{NS}" count="{len(shared)}" uniqueCount="{len(shared)}">' \
                                        f"{items}</sst>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def cell(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


class Calls(list):
    allowed = False  # set for the files calamine may read


@pytest.fixture
def calamine_calls(monkeypatch):
    """The files given to calamine while not allowed: recorded and not read (an unguarded read of these files
    would abort the test process)."""
    calls = Calls()
    original = python_calamine.CalamineWorkbook.from_filelike

    def recording(filelike):
        if calls.allowed:
            return original(filelike)
        calls.append(filelike)
        raise RuntimeError("calamine was given a file to refuse")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", recording)
    return calls


def refused(data: bytes, calls: list, filename: str = "x.xlsx") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        read_rows(data, filename)
    assert calls == [], "calamine was given a file to refuse"
    assert caught.value.code == "file_too_large", caught.value.message
    return caught.value


def test_a1_and_xfd1048576_is_refused_before_calamine(calamine_calls):
    data = xlsx(f'<row r="1">{cell("A1")}</row><row r="1048576">{cell("XFD1048576")}</row>',
                dimension="A1:XFD1048576")
    assert len(data) < 2048
    error = refused(data, calamine_calls)
    assert "200000" in str(error.message) or "200" in str(error.message)


@pytest.mark.parametrize("sheet", [
    f'<row r="1">{cell("A1")}</row><row r="1048576">{cell("XFD1048576")}</row>',  # lying dimension
    f'<row r="1">{cell("A1")}{cell("xfd1048576")}</row>',  # lower case, in another row's tag
    f'<row r="1">{cell("A1")}</row><row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>',  # no r
    '<row r="1">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 201 + "</row>",  # 201 columns without r
    f'<row r="1">{cell("A1")}</row><row r="300000">{cell("A300000")}</row>',  # too many rows
    '<row r="1"><c  r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>',  # r not first
    '<row r="1"><c s="0" r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>',
])
def test_cells_beyond_the_declared_block_are_found(calamine_calls, sheet):
    refused(xlsx(sheet, dimension="A1:B2"), calamine_calls)
    refused(xlsx(sheet), calamine_calls)  # and with no dimension at all


def test_a_namespace_prefix_is_no_way_around(calamine_calls):
    sheet = '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>' \
            '<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>'
    refused(xlsx(sheet, dimension="A1:B1", prefix="x"), calamine_calls)


def test_the_limits_are_settings_and_the_message_gives_them(settings, calamine_calls):
    sheet = "".join(f'<row r="{n}">{cell(f"A{n}")}{cell(f"B{n}")}</row>' for n in range(1, 6))
    calamine_calls.allowed = True
    assert read_rows(xlsx(sheet, dimension="A1:B5"), "x.xlsx") == [["x", "x"]] * 5
    assert read_rows(xlsx(sheet), "x.xlsx") == [["x", "x"]] * 5
    calamine_calls.allowed = False
    settings.SUZHI_SHEET_MAX_ROWS = 4
    assert "4" in str(refused(xlsx(sheet, dimension="A1:B5"), calamine_calls).message)
    settings.SUZHI_SHEET_MAX_ROWS, settings.SUZHI_SHEET_MAX_COLUMNS = 100, 1
    refused(xlsx(sheet), calamine_calls)
    settings.SUZHI_SHEET_MAX_COLUMNS, settings.SUZHI_SHEET_MAX_CELLS = 10, 9
    refused(xlsx(sheet), calamine_calls)
    settings.SUZHI_SHEET_MAX_CELLS, settings.SUZHI_UPLOAD_MAX_BYTES = 100, 1000
    refused(xlsx(sheet), calamine_calls)


def test_a_huge_dimension_of_empty_styled_cells_is_read(calamine_calls):
    sheet = f'<row r="1">{cell("A1")}</row><row r="1048576"><c r="XFD1048576" s="1"/></row>'
    calamine_calls.allowed = True
    assert read_rows(xlsx(sheet, dimension="A1:XFD1048576"), "x.xlsx") == [["x"]]


def test_a_part_that_unpacks_a_thousand_times_its_size(calamine_calls):
    refused(xlsx(cell("A1"), extra={"xl/styles.xml": b"<a>" + b" " * 3_000_000 + b"</a>"}), calamine_calls)


def test_a_shared_string_of_megabytes_in_a_small_file(calamine_calls):
    data = xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=["长" * 3_000_000])
    assert len(data) < 300_000
    refused(data, calamine_calls)


def test_a_long_shared_string_in_many_cells(settings, calamine_calls):
    settings.SUZHI_SHEET_MAX_TEXT_BYTES = 100_000  # UTF-8: 5 × 27,000 bytes
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 2}</v></c></row>' for n in range(1, 11))
    refused(xlsx(rows, dimension="A1:A10", shared=["短", "长" * 9_000]), calamine_calls)
    settings.SUZHI_SHEET_MAX_TEXT_BYTES = 200_000
    calamine_calls.allowed = True
    assert len(read_rows(xlsx(rows, dimension="A1:A10", shared=["短", "长" * 9_000]), "x.xlsx")) == 10


def test_a_shared_string_count_that_would_reserve_terabytes(calamine_calls):
    data = xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=["x"])
    data = data.replace(b'uniqueCount="1"', b'uniqueCount="99999999999"')  # stored deflated: patch the text
    if b"99999999999" not in data:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                content = source.read(info)
                target.writestr(info.filename, content.replace(b'uniqueCount="1"', b'uniqueCount="99999999999"'))
        data = out.getvalue()
    refused(data, calamine_calls)


def test_a_part_longer_than_it_declares(calamine_calls):
    data = bytearray(xlsx(f'<row r="1">{cell("A1")}</row>' + f'<row r="2">{cell("A2", "y" * 5000)}</row>'))
    name = b"xl/worksheets/sheet1.xml"
    # lower the declared size of the sheet in its local header and its central directory entry
    local = data.find(b"PK\x03\x04")
    while data[local + 30:local + 30 + len(name)] != name:
        local = data.find(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", data, local + 22, 200)
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 200)
    refused(bytes(data), calamine_calls)


def ods(rows: str, *, before: str = "") -> bytes:
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'{before}<table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()


ODS_VALUE = '<table:table-cell office:value-type="string"{}><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize("rows", [
    f"<table:table-row>{ODS_VALUE.format('')}</table:table-row>"
    '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    f"<table:table-row>{ODS_VALUE.format('')}</table:table-row>",
    "<table:table-row>" + ODS_VALUE.format(' table:number-columns-repeated="16384"') + "</table:table-row>",
    f'<table:table-row table:number-rows-repeated="1048576">{ODS_VALUE.format("")}</table:table-row>',
])
def test_ods_repeats(calamine_calls, rows):
    refused(ods(rows), calamine_calls, "x.ods")
    first = '<table:table table:name="A"><table:table-row>' + ODS_VALUE.format("") + "</table:table-row></table:table>"
    refused(ods(rows, before=first), calamine_calls, "x.ods")  # in a second table too


def test_ods_trailing_empty_repeats_are_fine(calamine_calls):
    rows = ("<table:table-row>" + ODS_VALUE.format("") + '<table:table-cell table:number-columns-repeated="16383"/>'
            '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    from suzhi.core.excel_limits import check_spreadsheet

    check_spreadsheet(ods(rows), "x.ods")  # no error


def record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def xls(sheet_records: bytes) -> bytes:
    """A compound file with a BIFF8 Workbook stream: one sheet holding `sheet_records` after its BOF."""
    bof_globals = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0x0600))
    sheet_name = b"\x01\x00S"  # one character, compressed
    globals_length = len(bof_globals) + 4 + 8 + len(sheet_name) + 4
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600)) + sheet_records \
        + record(0x000A, b"")
    stream = bof_globals + record(0x0085, struct.pack("<IBB", globals_length, 0, 0) + sheet_name) \
        + record(0x000A, b"") + sheet
    stream += b"\x00" * (4096 - len(stream)) if len(stream) < 4096 else b""
    count = -(-len(stream) // 512)
    body = stream + b"\x00" * (count * 512 - len(stream))
    end, free, no = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [n + 1 for n in range(2, 2 + count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    struct.pack_into("<108I", header, 80, *([free] * 108))

    def entry(name: str, kind: int, start: int, size: int, child: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, no, no, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, end, 0, 1) + entry("Workbook", 2, 2, len(stream), no) + b"\x00" * 256
    return bytes(header) + struct.pack("<128I", *fat) + directory + body


def number(row: int, column: int, value: float) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, column, 0, value))


def test_an_xls_within_the_limits_passes_the_check():
    from suzhi.core.excel_limits import check_spreadsheet

    dimension = record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 2, 0))
    check_spreadsheet(xls(dimension + number(0, 0, 1) + number(1, 1, 2)), "x.xls")  # no error


@pytest.mark.parametrize("records", [
    number(0, 0, 1) + number(65535, 255, 2),  # A1 and IV65536: a block of 16.7 million cells
    number(0, 0, 1) + record(0x00BD, struct.pack("<HHHIH", 0, 0, 0, 0, 65000)),  # a row of numbers to col 65001
    record(0x0200, struct.pack("<IIHHH", 0, 4_000_000_000, 0, 200, 0)) + number(0, 0, 1),  # a dimension to reserve
    record(0x0200, struct.pack("<IIHHH", 5, 2, 0, 2, 0)) + number(0, 0, 1),  # an inverted one
])
def test_xls_blocks_beyond_the_limits(calamine_calls, records):
    refused(xls(records), calamine_calls, "x.xls")
    refused(xls(records), calamine_calls, "disguised.xlsx")  # calamine goes by the content


def test_an_xls_header_that_would_reserve_gigabytes(calamine_calls):
    data = bytearray(xls(number(0, 0, 1)))
    struct.pack_into("<I", data, 44, 0x40000000)  # FAT sectors
    refused(bytes(data), calamine_calls, "x.xls")
