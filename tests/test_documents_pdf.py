"""Every document type converts to PDF in LibreOffice (headless) and the PDF's text, read back by
pdftotext, holds the Chinese title, the filled facts and the blanks: what an office printing the
.docx gets. Needs LibreOffice Writer and poppler-utils (scripts/system-deps.sh installs them)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from assistant.documents.catalog import generate
from tests.documents_support import EXPECTED, FULL, TITLES, doc_type

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext not installed: "
                                "scripts/system-deps.sh installs libreoffice-writer-nogui and poppler-utils")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """All documents converted in one LibreOffice run (it starts in about 3 s; once, not per type)."""
    folder = tmp_path_factory.mktemp("documents")
    for key, facts in FULL.items():
        (folder / f"{key.replace('/', '-')}.docx").write_bytes(generate(doc_type(key), facts).content)
    (folder / "empty.docx").write_bytes(generate("labor_arbitration_application", {}).content)
    profile = folder / "lo-profile"    # its own profile: no clash with another LibreOffice of the machine
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *sorted(str(p) for p in folder.glob("*.docx"))],
                   check=True, capture_output=True, timeout=300)
    return folder


def _pdf_text(path) -> str:
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, timeout=60).stdout
    return text.decode("utf-8")


@pytest.mark.parametrize("key", sorted(FULL))
def test_each_document_converts_to_pdf_with_its_chinese_title_and_facts(pdfs, key):
    text = _pdf_text(pdfs / f"{key.replace('/', '-')}.pdf")
    squeezed = "".join(text.split())       # pdftotext spaces out Latin digits among CJK and wraps lines
    assert TITLES[doc_type(key)] in squeezed
    for value in EXPECTED[key]:
        assert "".join(value.split()) in squeezed, (key, value)


def test_blanks_survive_into_the_pdf(pdfs):
    squeezed = "".join(_pdf_text(pdfs / "empty.pdf").split())
    assert "劳动人事争议仲裁申请书" in squeezed and "＿＿＿＿" in squeezed and "申请人（签名）" in squeezed
