"""The household file to the letter of 民发〔2021〕57号: two investigators, both signatures,
urban or rural, staff relatives, income lines adding up; the downloadable template."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from contracts.households.checks import read_households
from contracts.households.files import EXAMPLE, FIELDS, LABELS
from contracts.households.template import build_template
from tests.contracts.households.test_checks import context, csv_file, id_number, messages, record


def read(records: list[dict], columns=FIELDS):
    return read_households(csv_file(records, columns=columns), "h.csv", context())


WITH_LINES = (*FIELDS, "staff_relative", "income_wages", "income_farming", "income_other",
              "photos_taken")


def test_a_visit_by_one_investigator_is_refused_naming_row_and_field():
    result = read([record(), record(id_number=id_number("42120219800101124"),
                                    surveyor="李强", second_surveyor="李强")])

    assert not result.ok and result.rows == []
    assert messages(result) == [(3, "second_surveyor", "The second investigator must be someone "
                                 "other than 李强: a home visit needs at least two "
                                 "investigators.")]


def test_a_missing_second_investigator_is_refused():
    result = read([record(second_surveyor="")])

    assert messages(result) == [(2, "second_surveyor", "Enter a name.")]


@pytest.mark.parametrize(("field", "who"), [("surveyors_signed", "investigators"),
                                            ("applicant_signed", "applicant")])
def test_a_record_without_a_signature_is_refused(field, who):
    result = read([record(**{field: "否"})])

    assert not result.ok
    assert messages(result) == [(2, field, f"The {who} did not sign the record; an unsigned "
                                 "visit is refused (民发〔2021〕57号).")]


def test_a_signature_box_that_is_neither_yes_nor_no_is_refused():
    result = read([record(applicant_signed="签了")])

    assert messages(result) == [(2, "applicant_signed", "Answer yes or no (是 or 否), not 签了.")]


def test_area_is_urban_or_rural_in_either_language():
    result = read([record(area="城镇"), record(id_number=id_number("42120219800101124"),
                                                area="RURAL"),
                   record(id_number=id_number("42120219800101132"), area="郊区")])

    assert messages(result) == [(4, "area", "The area must be urban (城镇) or rural (农村).")]
    ok = read([record(area="城镇"), record(id_number=id_number("42120219800101124"),
                                            area="RURAL")])
    assert [row.area for row in ok.rows] == ["urban", "rural"]


def test_missing_new_columns_refuse_the_file():
    columns = [key for key in FIELDS if key not in ("second_surveyor", "applicant_signed")]
    result = read([record()], columns=columns)

    assert messages(result) == [(1, "header", "Missing columns: 第二调查员 (second_surveyor), "
                                 "申请人签字 (applicant_signed).")]


def test_income_lines_must_add_up_to_the_monthly_income():
    good = record(monthly_income="1500", income_wages="1200", income_farming="300",
                  staff_relative="是", photos_taken="否")
    bad = record(id_number=id_number("42120219800101124"), monthly_income="1500",
                 income_wages="1000", income_farming="300.50")

    result = read([good, bad], columns=WITH_LINES)

    assert messages(result) == [(3, "monthly_income", "The income lines add up to 1300.50 yuan, "
                                 "not the monthly income 1500.00 yuan.")]
    row = read([good], columns=WITH_LINES).rows[0]
    assert row.income_lines == {"income_wages": Decimal("1200.00"),
                                "income_farming": Decimal("300.00")}
    assert row.staff_relative is True and row.photos_taken is False


def test_optional_columns_default_when_absent_or_empty():
    absent = read([record()]).rows[0]
    empty = read([record(staff_relative="", income_wages="", photos_taken="")],
                 columns=WITH_LINES).rows[0]

    for row in (absent, empty):
        assert row.staff_relative is False and row.photos_taken is None
        assert row.income_lines is None


def test_a_refused_income_line_is_reported_once_not_summed():
    result = read([record(monthly_income="100", income_wages="abc")], columns=WITH_LINES)

    assert [(row, field) for row, field, _m in messages(result)] == [(2, "income_wages")]


def test_control_characters_in_a_name_are_refused():
    result = read([record(head_name="王\t秀英")])

    assert messages(result) == [
        (2, "head_name", "Remove the control character U+0009 (position 2).")]


# ---- the template ---------------------------------------------------------------------------

def test_template_has_chinese_headers_an_example_row_keys_and_drop_downs(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        data = build_template()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[2]]

    assert "身份证号" in header and "第二调查员" in header and "城乡" in header
    assert not {"id_number", "surveyor"} & set(header)
    assert example[header.index("身份证号")] == EXAMPLE["id_number"]
    assert example[header.index("调查员签字")] == "是"
    column = {sheet.cell(1, n + 1).column_letter: label for n, label in enumerate(header)}
    lists = {column[str(dv.sqref).split(":")[0][:-1]]: dv.formula1
             for dv in sheet.data_validations.dataValidation}
    assert lists == {"调查员签字": '"是,否"', "申请人签字": '"是,否"', "入户照片": '"是,否"',
                     "工作人员近亲属": '"是,否"', "城乡": '"城镇,农村"',
                     "建议": '"低保,特困,临时救助,不符合"'}

    notes = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert notes.sheet_names == ["入户调查记录", "字段说明"]
    keys = notes.get_sheet_by_name("字段说明").to_python()
    assert keys[0][:2] == ["key", "中文表头"]
    assert keys[[r[0] for r in keys].index(
        "second_surveyor")][:3] == ["second_surveyor", "第二调查员", "是"]
    assert ["income_wages", LABELS["income_wages"], "否"] == keys[[r[0] for r in keys].index(
        "income_wages")][:3]


def test_the_template_imports_as_it_is_skipping_the_example_row(app):
    with app.test_request_context():
        data = build_template()

    result = read_households(data, "template.xlsx", context())

    assert result.ok and result.rows == [] and result.errors == []


def test_a_filled_template_imports_its_rows_but_not_the_example(app):
    with app.test_request_context():
        workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    by_label = {label: key for key, label in LABELS.items()}
    values = record(monthly_income="900", income_wages="900")
    sheet.append([values.get(by_label[label], "") for label in header])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_households(buffer.getvalue(), "filled.xlsx", context())

    assert messages(result) == []
    assert [row.id_number for row in result.rows] == [id_number()]
