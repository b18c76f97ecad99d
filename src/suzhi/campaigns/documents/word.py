"""The plan as a DOCX in the GB/T 9704 layout, for offices that edit and stamp the document in Word or WPS.

Every font is set on the styles and again on each run, East Asian name included: Word and WPS pick the face of
Chinese text from w:eastAsia only (python-docx's `font.name` sets just the Latin names), and direct run formatting
survives the document being pasted into another template.
"""

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from suzhi.campaigns.documents.fonts import Role, font_for, is_fallback
from suzhi.campaigns.documents.outline import Block, build_outline
from suzhi.campaigns.plan.schema import Plan

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28)
INDENT_CHARS = 2

MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
# The page number sits 7 mm below the text block (GB/T 9704 7.5); its 14pt line is about 5 mm high.
FOOTER_DISTANCE = Mm(23)

_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# heading level → (style name, font role, outline level in Word's navigation pane)
HEADING_STYLES: dict[int, tuple[str, Role, int]] = {
    1: ("Plan Heading 1", "heading1", 0),
    2: ("Plan Heading 2", "heading2", 1),
    3: ("Plan Heading 3", "body", 2),
    4: ("Plan Heading 4", "body", 3),
}
TITLE_STYLE = "Plan Title"
META_STYLE = "Plan Issued By"


def _set_fonts(rpr, font: str) -> None:
    """Name `font` for Latin, East Asian and complex script text, dropping theme fonts that would override it."""
    rfonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), font)


def _set_first_line_indent(paragraph_format, pPr, chars: int) -> None:
    # Word measures "2 字符" in hundredths of a character; the length in points is for readers that ignore it.
    paragraph_format.first_line_indent = Pt(16 * chars)
    pPr.get_or_add_ind().set(qn("w:firstLineChars"), str(chars * 100))


def _set_outline_level(pPr, level: int) -> None:
    # outlineLvl comes late in pPr's sequence; python-docx inserts its own children before it, so appending is safe.
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    pPr.append(element)


def _defaults(document) -> None:
    """Document defaults: the body face and Chinese as the East Asian language (for line-breaking rules)."""
    rpr_default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, font_for("body"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style_text(style: ParagraphStyle, font: str, size: Pt) -> None:
    style.font.size = size
    _set_fonts(style.element.get_or_add_rPr(), font)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    _style_text(normal, font_for("body"), BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    _set_first_line_indent(fmt, normal.element.get_or_add_pPr(), INDENT_CHARS)

    title = document.styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    # The 小标宋 face is heavy by design; its Noto stand-in is set bold to keep the title's weight.
    _style_text(title, font_for("title"), TITLE_SIZE)
    title.font.bold = is_fallback(font_for("title"))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(14)
    title.paragraph_format.keep_with_next = True
    _set_first_line_indent(title.paragraph_format, title.element.get_or_add_pPr(), 0)

    meta = document.styles.add_style(META_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    meta.base_style = normal
    _style_text(meta, font_for("heading2"), BODY_SIZE)
    meta.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.paragraph_format.space_after = LINE
    _set_first_line_indent(meta.paragraph_format, meta.element.get_or_add_pPr(), 0)

    for name, role, outline in HEADING_STYLES.values():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.next_paragraph_style = normal
        _style_text(style, font_for(role), BODY_SIZE)
        style.paragraph_format.keep_with_next = True
        _set_outline_level(style.element.get_or_add_pPr(), outline)


def _run(paragraph: Paragraph, text: str, role: Role, size: Pt, *, bold: bool | None = None):
    run = paragraph.add_run(text)
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), font_for(role))
    return run


def _page(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for name, value in MARGINS.items():
        setattr(section, name, value)
    section.footer_distance = FOOTER_DISTANCE


def _field_run(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (begin, instruction, separate, shown value, end), as Word itself writes PAGE."""
    def add(child) -> None:
        run = _run(paragraph, "", "page_number", PAGE_NUMBER_SIZE)
        run._element.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    add(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    add(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    add(separate)
    _run(paragraph, placeholder, "page_number", PAGE_NUMBER_SIZE)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    add(end)


def _footer(section) -> None:
    """The page number centred as "— 1 —", in 四号 宋体."""
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _set_first_line_indent(fmt, paragraph._p.get_or_add_pPr(), 0)
    _run(paragraph, "— ", "page_number", PAGE_NUMBER_SIZE)
    _field_run(paragraph, "PAGE", "1")
    _run(paragraph, " —", "page_number", PAGE_NUMBER_SIZE)


def _block(document, block: Block) -> None:
    if block.kind == "title":
        paragraph = document.add_paragraph(style=TITLE_STYLE)
        for index, line in enumerate(block.lines or (block.text,)):
            run = _run(paragraph, line, "title", TITLE_SIZE, bold=is_fallback(font_for("title")))
            if index < len(block.lines) - 1:
                run.add_break()
        return
    if block.kind == "meta":
        _run(document.add_paragraph(style=META_STYLE), block.text, "heading2", BODY_SIZE)
        return
    if block.kind == "heading":
        name, role, _outline = HEADING_STYLES[block.level]
        _run(document.add_paragraph(style=name), block.full_text, role, BODY_SIZE)
        return
    paragraph = document.add_paragraph(style="Normal")
    if block.number:
        _run(paragraph, block.number, "body", BODY_SIZE)
    if block.lead:
        _run(paragraph, block.lead, "heading2" if block.level == 2 else "body", BODY_SIZE)
    if block.text:
        _run(paragraph, block.text, "body", BODY_SIZE)


def render_docx(plan: Plan) -> bytes:
    document = Document()
    _defaults(document)
    _styles(document)
    section = document.sections[0]
    _page(section)
    _footer(section)
    # The template starts with no paragraphs in the body; every block adds its own.
    for block in build_outline(plan):
        _block(document, block)

    properties = document.core_properties
    properties.title = plan.title
    properties.author = properties.last_modified_by = plan.issued_by or plan.organiser
    properties.subject = plan.doc_number
    properties.keywords = plan.code
    properties.language = "zh-CN"
    properties.comments = ""
    properties.created = properties.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    properties.revision = 1

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
