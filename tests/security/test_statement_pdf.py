"""Statement PDFs: every value is escaped before ReportLab reads it as markup.

A hostile enterprise name or product title must neither make the server fetch
a URL (an ``<img>`` tag in Paragraph markup) nor break the PDF (a tag left
open). A local HTTP listener records any request the build makes.
"""

import http.server
import threading

import pytest

from shop.statements.pdf import statement_pdf
from tests.shop.statements.test_statements import pdf_texts, ucs2_or_utf8_in


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def hostile_figures(base_url: str) -> dict:
    image = f'<img src="{base_url}/name.png" width="10" height="10"/>'
    return {
        "enterprise": f"广州某某有限公司{image}",
        "uscc": f'<img src="{base_url}/uscc.png"/>',
        "period_from": "2026-01-01",
        "period_to": "2026-12-31",
        "units": 3,
        "sales_amount": "60.00",
        "household_income": "40.00",
        "households_reached": 1,
        "monitored_reached": 0,
        "villages": [{"name": f"<b>上坪村{image}", "households": 1, "amount": "60.00"}],
        "products": [
            {"title": f'瓜蒌籽<img src="{base_url}/title.png"/>', "units": 1, "amount": "20.00"},
            {"title": "<font name='nope'>菜干 & 马蹄 <unclosed", "units": 2, "amount": "40.00"},
        ],
    }


def test_hostile_names_and_titles_fetch_nothing_and_still_render(listener):
    base_url, seen = listener
    pdf = statement_pdf(
        figures=hostile_figures(base_url),
        verification_code="ABCD-EFGH-JKMN-PQRS",
        verify_url=f"{base_url}/verify/<img src='{base_url}/url.png'/>",
    )
    assert pdf.startswith(b"%PDF")
    assert seen == []  # no outbound request, not even to a host the test controls
    blob = pdf_texts(pdf)
    # The values are printed as the text they are, tags and all.
    assert ucs2_or_utf8_in("广州某某有限公司", blob)
    assert ucs2_or_utf8_in("name.png", blob) and ucs2_or_utf8_in("unclosed", blob)


def test_a_broken_tag_in_the_enterprise_name_still_gives_a_pdf():
    figures = hostile_figures("http://127.0.0.1:9")
    figures["enterprise"] = "<para><b>坏标签"
    pdf = statement_pdf(figures=figures, verification_code="X", verify_url="https://x.example/v/")
    assert pdf.startswith(b"%PDF")


def test_the_pdf_has_exactly_one_image_the_qr_code():
    figures = hostile_figures("http://127.0.0.1:9")
    figures["enterprise"] = '<img src="static/img/logo.png"/>'  # a local file, by relative path
    pdf = statement_pdf(figures=figures, verification_code="X", verify_url="https://x.example/v/")
    assert pdf.count(b"/Subtype /Image") == 1
