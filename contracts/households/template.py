"""The downloadable template of a household-record file (.xlsx).

The first sheet (the one imported) has the Chinese labels as its header row, as the bureau's
forms do, then one example row that the importer skips (see ``files.EXAMPLE``), so the
template imports as it is with zero records. Each header cell carries an Excel comment with its
rule; a second sheet 字段说明 lists the English key, the Chinese label, whether the column is
required, and the rule (the importer accepts either the key or the label as a header). The ID
number and region code columns are formatted as text, so Excel keeps all 18 digits; the survey
date shows as YYYY-MM-DD; the yes/no, urban/rural and recommendation columns offer drop-down
lists (data validation).

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

from contracts.households.files import COLUMNS, EXAMPLE, INCOME_FIELDS, OPTIONAL_COLUMNS

#: Rows pre-formatted below the header (text/date formats, drop-down lists).
TEMPLATE_ROWS = 2000
#: The order of the template's columns: the income lines next to the income they add up to.
ORDER: tuple[str, ...] = (
    "id_number", "head_name", "region_code", "area", "members", "monthly_income",
    *INCOME_FIELDS, "assets", "survey_date", "surveyor", "second_surveyor",
    "surveyors_signed", "applicant_signed", "photos_taken", "staff_relative", "recommendation",
)

_INCOME_RULE = _l("Optional income line in yuan; when any line is given, the lines must add up "
                  "to the monthly income.")
RULES = {
    "id_number": _l("18 characters; the last may be X. Keep the column formatted as text."),
    "head_name": _l("Name of the head of household, 1–50 characters."),
    "region_code": _l("Code of the village or community, inside the contract's region."),
    "members": _l("Number of household members, a whole number from 1 to 99."),
    "monthly_income": _l("Household monthly income in yuan, 0 or more, at most 2 decimals."),
    "assets": _l("Household assets in yuan, 0 or more, at most 2 decimals."),
    "survey_date": _l("Date of the home visit, YYYY-MM-DD, inside the contract period, "
                      "not in the future."),
    "surveyor": _l("Name of the first investigator, 1–50 characters."),
    "second_surveyor": _l("Name of the second investigator, required and different from the "
                          "first: a home visit needs at least two investigators."),
    "surveyors_signed": _l("是 (yes) or 否 (no): the investigators signed the record; must be "
                           "是."),
    "applicant_signed": _l("是 (yes) or 否 (no): the applicant signed the record; must be 是."),
    "area": _l("城镇 (urban) or 农村 (rural): which subsistence standard applies."),
    "staff_relative": _l("是 or 否, optional (empty is 否): a close relative of bureau or "
                         "village staff; such households are always re-checked."),
    "photos_taken": _l("是 or 否, optional: photos of the visit were taken."),
    "recommendation": _l("dibao (低保), tekun (特困), temporary (临时救助) or none (不符合)."),
} | {key: _INCOME_RULE for key in INCOME_FIELDS}
_WIDTHS = {"id_number": 22, "head_name": 14, "region_code": 15, "members": 10,
           "survey_date": 13, "recommendation": 14}
_TEXT_COLUMNS = {"id_number", "region_code"}
_CHOICES = {
    "surveyors_signed": "是,否", "applicant_signed": "是,否", "staff_relative": "是,否",
    "photos_taken": "是,否", "area": "城镇,农村", "recommendation": "低保,特困,临时救助,不符合",
}
_REQUIRED = {key for key, _label in COLUMNS}


def build_template() -> bytes:
    """The template .xlsx as bytes."""
    labels = dict(COLUMNS + OPTIONAL_COLUMNS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "入户调查记录"
    sheet.freeze_panes = "A2"
    bold, grey = Font(bold=True), Font(italic=True, color="808080")
    for index, key in enumerate(ORDER, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=labels[key])
        cell.font = bold
        cell.comment = Comment(f"{key}\n{RULES[key]}", "CareProcure", width=260, height=110)
        sheet.column_dimensions[letter].width = _WIDTHS.get(key, 12)
        example = sheet.cell(row=2, column=index, value=EXAMPLE[key] or None)
        example.font = grey
        number_format = ("@" if key in _TEXT_COLUMNS
                         else "yyyy-mm-dd" if key == "survey_date" else None)
        if number_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
        if key in _CHOICES:
            choices = DataValidation(type="list", formula1=f'"{_CHOICES[key]}"',
                                     allow_blank=key not in _REQUIRED)
            choices.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(choices)

    notes = workbook.create_sheet("字段说明")
    notes.append(["key", "中文表头", str(_l("Required")), str(_l("Rule"))])
    for cell in notes[1]:
        cell.font = bold
    for key in ORDER:
        notes.append([key, labels[key], "是" if key in _REQUIRED else "否", str(RULES[key])])
    notes.append([])
    notes.append([str(_l("Either the key or the Chinese label may be used as the header; "
                         "column order is free. One row per household; an ID number may "
                         "appear once per file and once per contract and period. The grey "
                         "example row (ID number 11010519491231002X) is skipped on import."))])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 14
    notes.column_dimensions["C"].width = 8
    notes.column_dimensions["D"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
