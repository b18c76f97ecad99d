"""Small real files of every type suzhi.core.files takes, made in the test, for tests of any app that stores
attachments: `sample_file("docx")` returns bytes that pass the checks."""

import io
import zipfile

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R/Size 4>>\n%%EOF\n")
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def docx(author: str = "张三", company: str = "") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("合理化建议：改进焊接工艺")
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    return with_company(data, company) if company else data


def with_company(office: bytes, company: str) -> bytes:
    """The Office file with <Company> (and <Manager>) in docProps/app.xml."""
    source = zipfile.ZipFile(io.BytesIO(office))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", f"<Company>{company}</Company><Manager>李四</Manager>"
                                                      "</Properties>".encode())
            target.writestr(info, data)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["项目", "效益（万元）"])
    workbook.properties.creator = "张三"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx(author: str = "张三") -> bytes:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                               '.org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
                               f'xml"/><Override PartName="/ppt/presentation.xml" ContentType="{main}"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"/>',
        "ppt/presentation.xml": '<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/'
                                'presentationml/2006/main"/>',
        "ppt/commentAuthors.xml": f'<p:cmAuthorLst><p:cmAuthor id="0" name="{author}" initials="ZS"/>'
                                  '</p:cmAuthorLst>',
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="x" xmlns:dc="y">'
                             f"<dc:title>汇报</dc:title><dc:creator>{author}</dc:creator>"
                             f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>",
    }
    return zipped(parts)


def zipped(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def pdf(author: str = "") -> bytes:
    if not author:
        return PDF
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": "WPS 文字", "/Producer": "某单位的打印机", "/Title": "汇报"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 30), exif: dict[int, object] | None = None,
          mode: str = "RGB") -> bytes:
    from PIL import Image

    picture = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    out = io.BytesIO()
    params = {}
    if exif:
        data = Image.Exif()
        for tag, value in exif.items():
            data[tag] = value
        params["exif"] = data.tobytes()
    picture.save(out, format=fmt, **params)
    return out.getvalue()


def xls() -> bytes:
    import xlwt

    workbook = xlwt.Workbook()
    workbook.add_sheet("表1").write(0, 0, "项目")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sample_file(extension: str) -> bytes:
    """A minimal real file of the type."""
    makers = {
        "docx": docx, "xlsx": xlsx, "pptx": pptx, "pdf": pdf,
        "jpg": lambda: image("JPEG"), "jpeg": lambda: image("JPEG"), "png": image,
        "gif": lambda: image("GIF"), "webp": lambda: image("WEBP"),
        "xls": xls, "doc": lambda: OLE_HEADER, "ppt": lambda: OLE_HEADER,
        "txt": lambda: "合理化建议：节约用电。\n".encode(),
        "zip": lambda: zipped({"说明.txt": "附件", "图纸/一.txt": "1"}),
    }
    return makers[extension]()
