"""The statement as a PDF: ReportLab with its built-in CJK font and a QR code to the verify page.

The builder is given the statement's frozen figures only (no personal data
ever reaches it), its verification code and the public verification URL.

ReportLab reads a ``Paragraph``'s text as markup: an ``<img src=…>`` in it is
fetched (a URL or a local file) and a tag left open fails the build. So every
value — enterprise name, credit code, village and product names, the URL —
goes through ``_para``, which escapes it (``xml.sax.saxutils.escape``) before
it meets the fixed markup of the template. The only image in the PDF is the QR
code drawn here from bytes.
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _yuan(value: str) -> str:
    return f"¥{Decimal(value):,.2f}"


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    out.seek(0)
    return out


def _para(template: str, style: ParagraphStyle, **values) -> Paragraph:
    """A paragraph of our own markup ``template`` with every value escaped into it."""
    return Paragraph(
        template.format(**{name: escape(str(value)) for name, value in values.items()}), style
    )


def statement_pdf(*, figures: dict, verification_code: str, verify_url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=13)
    table_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
    )
    story = [
        Paragraph("消费帮扶情况说明", title),
        Spacer(1, 6 * mm),
        _para("企业名称：{name}", body, name=figures["enterprise"]),
        _para("统一社会信用代码：{uscc}", body, uscc=figures["uscc"]),
        _para(
            "统计期间：{start} 至 {end}",
            body,
            start=figures["period_from"],
            end=figures["period_to"],
        ),
        Spacer(1, 4 * mm),
        _para(
            "期间内该企业通过太保消费帮扶馆采购农产品 {units} 件，金额 {sales}，其中农户收购收入 "
            "{income}{paid_out}；惠及农户 {households} 户，其中防返贫监测对象 {monitored} 户。",
            body,
            units=figures["units"],
            sales=_yuan(figures["sales_amount"]),
            income=_yuan(figures["household_income"]),
            paid_out=(
                f"，其中已兑付给农户 {_yuan(figures['paid_out'])}" if "paid_out" in figures else ""
            ),
            households=figures["households_reached"],
            monitored=figures["monitored_reached"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("按村统计", body),
    ]
    villages = [["村（社区）", "农户数", "金额"]] + [
        [_para("{name}", cell, name=v["name"]), str(v["households"]), _yuan(v["amount"])]
        for v in figures["villages"]
    ]
    story += [Table(villages, colWidths=[70 * mm, 35 * mm, 50 * mm], style=table_style)]
    story += [Spacer(1, 4 * mm), Paragraph("按产品统计", body)]
    products = [["产品", "数量", "金额"]] + [
        [_para("{title}", cell, title=p["title"]), str(p["units"]), _yuan(p["amount"])]
        for p in figures["products"]
    ]
    story += [Table(products, colWidths=[70 * mm, 35 * mm, 50 * mm], style=table_style)]
    qr = Image(_qr_png(verify_url), width=32 * mm, height=32 * mm)
    story += [
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    qr,
                    _para(
                        "验证码：{code}<br/>扫描二维码或访问以下地址核验本说明：<br/>{url}",
                        small,
                        code=verification_code,
                        url=verify_url,
                    ),
                ]
            ],
            colWidths=[36 * mm, 120 * mm],
        ),
        Paragraph("本说明不含农户个人信息；数据来源于平台销售归户台账。", small),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title="消费帮扶情况说明", leftMargin=20 * mm, rightMargin=20 * mm
    )
    doc.build(story)
    return out.getvalue()
