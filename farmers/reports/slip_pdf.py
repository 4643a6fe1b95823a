"""结算单 as a PDF: ReportLab with its built-in CJK font, a QR code to the verification page.

Every value is escaped before it goes into Paragraph markup (a name with
``<`` or ``&`` must print as written, never as markup). The builder gets the
slip's frozen figures only; accounts in them are already masked.
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
TERMS = {"purchase": "收购", "consignment": "代销"}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _yuan(value) -> str:
    return f"¥{Decimal(value):,.2f}"


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    out.seek(0)
    return out


def slip_pdf(*, figures: dict, verification_code: str, verify_url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13)

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    def table(header, rows, widths):
        data = [[p(h, cell) for h in header]] + [[p(v, cell) for v in row] for row in rows]
        if len(data) == 1:
            data.append([p("（无）", cell)] + [""] * (len(header) - 1))
        return Table(
            data,
            colWidths=[w * mm for w in widths],
            repeatRows=1,
            style=TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            ),
        )

    owed = figures["owed"]
    story = [
        p("农户结算单", title),
        Spacer(1, 5 * mm),
        p(f"农户：{figures['household']}（{figures['household_code']}，{figures['village']}）"),
        p(f"结算单位：{figures['seller']}"),
        p(f"结算期间：{figures['period_from']} 至 {figures['period_to']}"),
        Spacer(1, 3 * mm),
        p("交售批次"),
        table(
            ["日期", "产品", "溯源码", "数量", "收购金额", "结算方式"],
            [
                [
                    lot["date"],
                    lot["product"],
                    lot["trace_code"],
                    lot["units"],
                    _yuan(lot["amount"]),
                    TERMS.get(lot["terms"], lot["terms"]),
                ]
                for lot in figures["lots"]
            ],
            [22, 42, 34, 14, 26, 20],
        ),
        Spacer(1, 3 * mm),
        p(f"期间售出：{figures['units_sold']} 件"),
        Spacer(1, 3 * mm),
        table(
            ["项目", "金额"],
            [
                ["期初余额（应付未付）", _yuan(figures["opening_balance"])],
                ["本期应付：收购（入库即应付）", _yuan(owed["purchase"])],
                ["本期应付：代销（售出后应付，已扣退款）", _yuan(owed["consignment"])],
                ["本期应付：盈余返还（二次返利）", _yuan(owed["surplus"])],
                ["本期已付", _yuan(figures["paid"])],
                ["期末余额（应付未付）", _yuan(figures["balance"])],
            ],
            [110, 48],
        ),
        Spacer(1, 3 * mm),
        p("付款记录"),
        table(
            ["日期", "方式", "账号", "凭证号", "金额"],
            [
                [pay["date"], pay["method"], pay["account"], pay["reference"], _yuan(pay["amount"])]
                for pay in figures["payments"]
            ],
            [24, 24, 44, 40, 26],
        ),
        Spacer(1, 6 * mm),
        Table(
            [
                [
                    Image(_qr_png(verify_url), width=30 * mm, height=30 * mm),
                    Paragraph(
                        f"验证码：{escape(verification_code)}<br/>"
                        f"扫描二维码或访问以下地址核验本结算单：<br/>{escape(verify_url)}",
                        small,
                    ),
                ]
            ],
            colWidths=[34 * mm, 124 * mm],
        ),
        p("账号已部分隐藏。数据来源于平台入库批次、销售归户台账和兑付记录。", small),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title="农户结算单", leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    return out.getvalue()
