"""The text a person reads in a downloaded document, for tests that look for words in it: a
PDF's text (its streams are compressed) and an XLSX workbook's cells."""

import io
import re

import openpyxl
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join("" if cell is None else str(cell) for cell in row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
    )
