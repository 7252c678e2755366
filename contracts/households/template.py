"""The downloadable template of a household-record file (.xlsx).

Decision: the first sheet (the one imported) has one header row of English keys and no other
row, so the template imports as it is, with zero records. Each header cell carries an Excel
comment with its Chinese label and rule; a second sheet 说明 lists key, Chinese label and rule
(the importer accepts either the key or the label as a header). The ID number and region code
columns are formatted as text, so Excel keeps all 18 digits; the survey date column shows
dates as YYYY-MM-DD; the recommendation column offers a drop-down list.

Build it inside a request so that the rules are in the user's language.
"""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from contracts.households.files import COLUMNS

#: Rows pre-formatted below the header (text/date formats, drop-down list).
TEMPLATE_ROWS = 2000

RULES = {
    "id_number": _l("18 characters; the last may be X. Keep the column formatted as text."),
    "head_name": _l("Name of the head of household, 1–50 characters."),
    "region_code": _l("Code of the village or community, inside the contract's region."),
    "members": _l("Number of household members, a whole number of at least 1."),
    "monthly_income": _l("Household monthly income in yuan, 0 or more, at most 2 decimals."),
    "assets": _l("Household assets in yuan, 0 or more, at most 2 decimals."),
    "survey_date": _l("Date of the home visit, YYYY-MM-DD, inside the contract period, "
                      "not in the future."),
    "surveyor": _l("Name(s) of the investigators, 1–50 characters."),
    "recommendation": _l("dibao (低保), tekun (特困), temporary (临时救助) or none (不符合)."),
}
_WIDTHS = {"id_number": 22, "head_name": 12, "region_code": 15, "members": 10,
           "monthly_income": 14, "assets": 14, "survey_date": 13, "surveyor": 14,
           "recommendation": 16}
_TEXT_COLUMNS = {"id_number", "region_code"}


def build_template() -> bytes:
    """The template .xlsx as bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "households"
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, (key, label) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=key)
        cell.font = bold
        cell.comment = Comment(f"{label}\n{RULES[key]}", "CareProcure", width=260, height=90)
        sheet.column_dimensions[letter].width = _WIDTHS[key]
        number_format = ("@" if key in _TEXT_COLUMNS
                         else "yyyy-mm-dd" if key == "survey_date" else None)
        if number_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
    choices = DataValidation(type="list", formula1='"dibao,tekun,temporary,none,低保,特困,临时救助,不符合"',
                             allow_blank=True)
    column = get_column_letter(len(COLUMNS))
    choices.add(f"{column}2:{column}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(choices)

    notes = workbook.create_sheet("说明")
    notes.append([str(_l("Column (header)")), "中文表头", str(_l("Rule"))])
    for cell in notes[1]:
        cell.font = bold
    for key, label in COLUMNS:
        notes.append([key, label, str(RULES[key])])
    notes.append([])
    notes.append([str(_l("Either the key or the Chinese label may be used as the header; "
                         "column order is free. One row per household; an ID number may "
                         "appear once per file and once per contract and period."))])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 14
    notes.column_dimensions["C"].width = 80

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
