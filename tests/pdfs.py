"""Reading the PDFs the tests produce: text, page sizes and type sizes, through pypdf."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

POINTS_PER_MM = 72 / 25.4


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, runs of whitespace made single spaces."""
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def pdf_text(pdf: bytes) -> str:
    """All the PDF's text, pages joined, with runs of whitespace made single spaces."""
    text = "\n".join(page.extract_text() for page in reader(pdf).pages)
    return " ".join(text.split())


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    return [
        (
            round(float(page.mediabox.width) / POINTS_PER_MM),
            round(float(page.mediabox.height) / POINTS_PER_MM),
        )
        for page in reader(pdf).pages
    ]


def type_sizes_pt(pdf: bytes, page_number: int = 0) -> dict[str, float]:
    """The printed size in points of each run of text on one page, keyed by the text."""
    sizes = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes[text.strip()] = round(font_size * abs(cm[0]) * abs(tm[0]), 1)

    reader(pdf).pages[page_number].extract_text(visitor_text=visit)
    return sizes


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def figure_alt_texts(pdf: bytes) -> list[str]:
    """The alternative text of every figure in a tagged PDF's structure tree, in order.

    WeasyPrint draws an SVG picture as vector paths in the page, not as an image
    XObject, so counting figures (one per <img>) is how a test counts pictures.
    """
    found = []

    def visit(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            visit(kid)

    visit(reader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def first_page_png(pdf: bytes, folder, dpi: int = 150) -> Image.Image:
    """The PDF's first page as an image, drawn by poppler's pdftoppm into ``folder``."""
    return page_png(pdf, folder, 1, dpi)


def page_png(pdf: bytes, folder, number: int, dpi: int = 150) -> Image.Image:
    """Page ``number`` (from 1) of the PDF as an image, drawn by pdftoppm into ``folder``."""
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (see the README).")
    (folder / "handout.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(number), "-l", str(number)]
        + ["-singlefile", "handout.pdf", "page"],
        cwd=folder,
        check=True,
    )
    return Image.open(folder / "page.png")


def qr_code_texts(pdf: bytes, folder) -> list[str]:
    """What each QR code on the PDF's first page decodes to (zxing-cpp)."""
    with first_page_png(pdf, folder) as page:
        return [code.text for code in zxingcpp.read_barcodes(page)]
