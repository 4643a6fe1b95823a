"""The statement as a PDF: ReportLab with its built-in CJK font and a QR code to the verify page.

The builder is given the statement's frozen figures only (no personal data
ever reaches it), its verification code and the public verification URL.
"""

import io
from decimal import Decimal

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


def statement_pdf(*, figures: dict, verification_code: str, verify_url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13)
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
        Paragraph(f"企业名称：{figures['enterprise']}", body),
        Paragraph(f"统一社会信用代码：{figures['uscc']}", body),
        Paragraph(f"统计期间：{figures['period_from']} 至 {figures['period_to']}", body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"期间内该企业通过太保消费帮扶馆采购农产品 {figures['units']} 件，"
            f"金额 {_yuan(figures['sales_amount'])}，其中农户收购收入 "
            f"{_yuan(figures['household_income'])}"
            + (f"，其中已兑付给农户 {_yuan(figures['paid_out'])}" if "paid_out" in figures else "")
            + f"；惠及农户 {figures['households_reached']} 户，"
            f"其中防返贫监测对象 {figures['monitored_reached']} 户。",
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph("按村统计", body),
    ]
    villages = [["村（社区）", "农户数", "金额"]] + [
        [v["name"], str(v["households"]), _yuan(v["amount"])] for v in figures["villages"]
    ]
    story += [Table(villages, colWidths=[70 * mm, 35 * mm, 50 * mm], style=table_style)]
    story += [Spacer(1, 4 * mm), Paragraph("按产品统计", body)]
    products = [["产品", "数量", "金额"]] + [
        [p["title"], str(p["units"]), _yuan(p["amount"])] for p in figures["products"]
    ]
    story += [Table(products, colWidths=[70 * mm, 35 * mm, 50 * mm], style=table_style)]
    qr = Image(_qr_png(verify_url), width=32 * mm, height=32 * mm)
    story += [
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    qr,
                    Paragraph(
                        f"验证码：{verification_code}<br/>扫描二维码或访问以下地址核验本说明：<br/>{verify_url}",
                        small,
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
