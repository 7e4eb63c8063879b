"""A document as a few plain blocks, and their rendering to .docx with python-docx.

The blocks carry no formatting decisions: the renderer lays them out the way Chinese courts,
arbitration committees and legal-aid centres print their forms — A4, the title centred in 黑体,
the body in 宋体 小四 with 1.5 line spacing, labels such as 请求事项 in 黑体, the closing
此致 / addressee, the signature and date on the right, then 附：the attachments. Fonts are set on
the east-asian slot (w:eastAsia) too, which is what Word and LibreOffice use for Chinese text."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
BODY_SIZE, TITLE_SIZE = Pt(12), Pt(18)     # 小四, 小二
# characters XML 1.0 cannot hold (python-docx refuses them): control characters pasted from a phone
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Title:
    text: str
    subtitle: str = ""


@dataclass
class Para:
    text: str
    indent: bool = False        # first-line indent of two characters (a paragraph of prose)
    align: str = "left"         # left / right / center


@dataclass
class Label:
    """A section label on its own line: 请求事项：, 事实与理由：, 此致."""
    text: str


@dataclass
class Numbered:
    items: list[str]


@dataclass
class Cell:
    text: str
    span: int = 1
    label: bool = False         # a caption cell (黑体, shaded)


@dataclass
class Grid:
    """A form table: rows of cells, each row spanning `columns` columns in total; a group's first
    column is one merged cell with the group's name written down it (申请人 / 代理人 …)."""
    columns: int
    groups: list[tuple[str, list[list[Cell]]]] = field(default_factory=list)
    widths_cm: tuple[float, ...] = ()


@dataclass
class Signature:
    lines: list[str]


@dataclass
class Attachments:
    items: list[str]


Block = Title | Para | Label | Numbered | Grid | Signature | Attachments


def render_docx(blocks: list[Block], *, core_title: str) -> bytes:
    doc = Document()
    _page_setup(doc)
    _base_style(doc)
    doc.core_properties.title = core_title
    doc.core_properties.author = "法援 Fayuan"     # never the applicant's name
    for block in blocks:
        _RENDER[type(block)](doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- setup ---------------------------------------------------------------------------------------

def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.54), Cm(2.54)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.6)


def _base_style(doc) -> None:
    style = doc.styles["Normal"]
    style.font.size = BODY_SIZE
    set_fonts(style.element, BODY_FONT)
    fmt = style.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.MULTIPLE, 1.5
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    # the document's language is Chinese: spell-checkers and the CJK line breaking rules follow it
    lang = style.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        style.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_fonts(element, east_asian: str) -> None:
    """Latin and east-asian font of a run or style (python-docx's font.name sets only the Latin slots)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=None, bold: bool = False):
    run = paragraph.add_run(_NOT_XML.sub("", text))
    set_fonts(run._element, font)
    if size is not None:
        run.font.size = size
    run.bold = bold or None
    return run


_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


# --- blocks --------------------------------------------------------------------------------------

def _title(doc, block: Title) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6 if block.subtitle else 18)
    _run(p, block.text, font=HEADING_FONT, size=TITLE_SIZE)
    if block.subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.paragraph_format.space_after = Pt(12)
        _run(sub, block.subtitle, size=Pt(10.5))


def _para(doc, block: Para) -> None:
    p = doc.add_paragraph()
    p.alignment = _ALIGN["justify" if block.align == "left" else block.align]
    if block.indent:
        p.paragraph_format.first_line_indent = Pt(24)   # two characters of 小四
    _run(p, block.text)


def _label(doc, block: Label) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    _run(p, block.text, font=HEADING_FONT)


def _numbered(doc, block: Numbered) -> None:
    for number, item in enumerate(block.items, 1):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Pt(24)
        _run(p, f"{number}. {item}")


def _signature(doc, block: Signature) -> None:
    doc.add_paragraph()
    for line in block.lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(24)
        _run(p, line)


def _attachments(doc, block: Attachments) -> None:
    if not block.items:
        return
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    _run(p, "附：", font=HEADING_FONT)
    for number, item in enumerate(block.items, 1):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Pt(24)
        _run(p, f"{number}. {item}", size=Pt(10.5))


def _grid(doc, block: Grid) -> None:
    rows = sum(len(rows) for _, rows in block.groups)
    table = doc.add_table(rows=rows, cols=block.columns + 1)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    r = 0
    for group, group_rows in block.groups:
        first = table.cell(r, 0)
        if len(group_rows) > 1:
            first = first.merge(table.cell(r + len(group_rows) - 1, 0))
        _cell_text(first, group, label=True, vertical=len(group) > 2)
        for cells in group_rows:
            c = 1
            for cell in cells:
                target = table.cell(r, c)
                if cell.span > 1:
                    target = target.merge(table.cell(r, c + cell.span - 1))
                _cell_text(target, cell.text, label=cell.label)
                c += cell.span
            r += 1
    if block.widths_cm:   # the grid's column widths (what LibreOffice reads) and each cell's (what Word reads)
        table.autofit = False
        for column, width in zip(table.columns, block.widths_cm):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, block.widths_cm):
                cell.width = Cm(width)
    doc.add_paragraph()


def _cell_text(cell, text: str, *, label: bool, vertical: bool = False) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing = 1.25
    if label:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, "F2F2F2")
    _run(p, "\n".join(text) if vertical else text, font=HEADING_FONT if label else BODY_FONT, size=Pt(10.5))
    cell.vertical_alignment = 1   # centre


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._element.get_or_add_tcPr().append(shading)


_RENDER = {Title: _title, Para: _para, Label: _label, Numbered: _numbered, Grid: _grid, Signature: _signature,
           Attachments: _attachments}
