"""The household-record file engine: reading .xlsx/.csv and checking every row (no database)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from stdnum.cn.ric import calc_check_digit

from contracts.households.cells import mask_id
from contracts.households.checks import MAX_ERRORS, HouseholdRow, ImportContext, read_households
from contracts.households.checks import errors_xlsx as make_errors_xlsx
from contracts.households.files import FIELDS, LABELS

TODAY = date(2026, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def id_number(body: str = "42120219800101123") -> str:
    return body + calc_check_digit(body + "0")


def context(**overrides) -> ImportContext:
    values = dict(allowed_region_codes=frozenset({"421202", "421202001", "421202001001"}),
                  period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), today=TODAY,
                  existing_id_numbers=frozenset())
    return ImportContext(**(values | overrides))


def record(**overrides) -> dict:
    values = dict(id_number=id_number(), head_name="王秀英", region_code="421202001001",
                  members="3", monthly_income="1234.5", assets="0", survey_date="2026-03-05",
                  surveyor="李强", recommendation="dibao", second_surveyor="张敏",
                  surveyors_signed="是", applicant_signed="是", area="rural")
    return values | overrides


def csv_file(records: list[dict], *, chinese=False, encoding="utf-8", columns=FIELDS) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([LABELS.get(key, key) if chinese else key for key in columns])
    for values in records:
        writer.writerow([values.get(key, "") for key in columns])
    return buffer.getvalue().encode(encoding)


def read(records: list[dict], **ctx) -> object:
    return read_households(csv_file(records), "households.csv", context(**ctx))


def messages(result) -> list[tuple]:
    return [(error.row, error.field, str(error.message)) for error in result.errors]


def test_valid_csv_gives_typed_normalised_rows():
    result = read([record(), record(id_number=id_number("42120219751231002"), members="1",
                                    monthly_income="0", assets="56000.00",
                                    recommendation="none")])

    assert result.ok and result.errors == [] and result.error_count == 0
    assert result.rows[0] == HouseholdRow(
        id_number(), "王秀英", "421202001001", 3, Decimal("1234.50"), Decimal("0.00"),
        date(2026, 3, 5), "李强", "dibao", "张敏", True, True, "rural")
    assert str(result.rows[0].monthly_income) == "1234.50"
    assert result.rows[1].assets == Decimal("56000.00") and result.rows[1].members == 1


def test_gbk_csv_with_chinese_headers_parses():
    data = csv_file([record(recommendation="特困")], chinese=True, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = read_households(data, "调查.CSV", context())

    assert messages(result) == []
    assert result.rows[0].head_name == "王秀英" and result.rows[0].recommendation == "tekun"


def test_utf8_with_bom_and_free_column_order_parses():
    columns = tuple(reversed(FIELDS))
    data = csv_file([record()], chinese=True, encoding="utf-8-sig", columns=columns)
    assert data.startswith(b"\xef\xbb\xbf")

    result = read_households(data, "households.csv", context())

    assert messages(result) == [] and result.rows[0].id_number == id_number()


def test_english_headers_in_any_case_with_spaces():
    data = csv_file([record()]).replace(b"id_number", b" ID_Number ", 1)

    assert read_households(data, "h.csv", context()).rows[0].id_number == id_number()


def test_xlsx_with_real_date_cell_and_float_money():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(FIELDS))
    sheet.append([id_number(), " 王秀英 ", 421202001001, 3, 1234.5, 0.1 + 0.2 - 0.3 + 12,
                  date(2026, 3, 5), "李强", "低保", "张敏", True, "是", "农村"])
    sheet.append([id_number("42120219800101124"), "刘伟", "421202001", 2.0, 0, 99.99,
                  datetime(2026, 6, 30, 15, 30), "李强", "临时救助", "张敏", "yes", "YES", "urban"])
    sheet.append([None] * 13)  # empty trailing rows are ignored
    sheet.append([""] * 13)
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.close()

    result = read_households(buffer.getvalue(), "households.xlsx", context())

    assert messages(result) == []
    first, second = result.rows
    assert first.monthly_income == Decimal("1234.50") and str(first.monthly_income) == "1234.50"
    assert first.survey_date == date(2026, 3, 5) and first.members == 3
    assert first.region_code == "421202001001" and first.head_name == "王秀英"
    assert first.recommendation == "dibao" and first.assets == Decimal("12.00")
    assert second.survey_date == date(2026, 6, 30) and second.members == 2
    assert second.assets == Decimal("99.99") and second.recommendation == "temporary"


def test_xlsx_with_a_fraction_of_a_fen_is_refused():
    workbook = Workbook()
    workbook.active.append(list(FIELDS))
    workbook.active.append([id_number(), "王秀英", "421202001", 2.5, 1234.567, 0,
                            date(2026, 3, 5), "李强", "dibao", "张敏", "是", "是", "农村"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_households(buffer.getvalue(), "h.xlsx", context())

    assert [(row, field) for row, field, _ in messages(result)] == [
        (2, "members"), (2, "monthly_income")]
    assert "2.5" in messages(result)[0][2] and "1234.567" in messages(result)[1][2]


def test_id_number_typed_as_an_excel_number_is_explained():
    workbook = Workbook()
    workbook.active.append(list(FIELDS))
    workbook.active.append([421202198001011230, "王秀英", "421202001", 2, 1, 0,
                            date(2026, 3, 5), "李强", "dibao"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_households(buffer.getvalue(), "h.xlsx", context())

    assert messages(result)[0][:2] == (2, "id_number")
    assert "format the column as text" in messages(result)[0][2]


BAD_BIRTH = "42120219990230123"  # 30 February 1999
FUTURE_BIRTH = "42120220270101123"


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("id_number", "", "Enter the ID number"),
    ("id_number", "42120219800101123", "must have 18 characters, not 17"),
    ("id_number", "4212021980010112AB", "17 digits followed by a digit or X"),
    ("id_number", id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1"),
     "wrong check character"),
    ("id_number", id_number(BAD_BIRTH), "impossible birth date 19990230"),
    ("id_number", id_number(FUTURE_BIRTH), "impossible birth date 20270101"),
    ("head_name", "  ", "Enter a name"),
    ("head_name", "张" * 51, "at most 50 characters, not 51"),
    ("region_code", "421221001", "The region 421221001 is not inside the contract's region"),
    ("region_code", "", "Enter the region code"),
    ("members", "2.5", "must be a whole number, not 2.5"),
    ("members", "three", "must be a whole number, not three"),
    ("members", "0", "at least 1"),
    ("members", "", "Enter the number of members"),
    ("monthly_income", "-1", "cannot be negative"),
    ("monthly_income", "12.345", "at most 2 decimal places"),
    ("monthly_income", "1,234", "1,234 is not an amount in yuan"),
    ("monthly_income", "1e3", "not an amount"),
    ("monthly_income", "", "Enter an amount"),
    ("assets", "abc", "abc is not an amount in yuan"),
    ("assets", "1000000000000", "too large"),
    ("survey_date", "2026/03/05", "2026/03/05 is not a date like"),
    ("survey_date", "20260305", "not a date like"),
    ("survey_date", "2026-02-30", "not a date like"),
    ("survey_date", "2025-12-31", "outside the contract period 2026-01-01 – 2026-12-31"),
    ("survey_date", "", "Enter the survey date"),
    ("surveyor", "", "Enter a name"),
    ("surveyor", "李" * 51, "at most 50 characters"),
    ("recommendation", "maybe", "must be one of dibao (低保)"),
    ("recommendation", "", "must be one of"),
])
def test_each_rule_refuses_a_bad_value_with_row_field_and_message(field, value, expected):
    second = record(**({"id_number": id_number("42120219800101124")} | {field: value}))
    result = read([record(), second])

    assert result.rows == []
    assert len(result.errors) == 1 and result.error_count == 1
    row, error_field, message = messages(result)[0]
    assert (row, error_field) == (3, field)
    assert expected in message


def test_all_errors_of_all_rows_are_reported():
    result = read([record(members="0", surveyor=""),
                   record(id_number=id_number("42120219800101124")),
                   record(id_number="bad", recommendation="yes")])

    assert [(row, field) for row, field, _ in messages(result)] == [
        (2, "members"), (2, "surveyor"), (4, "id_number"), (4, "recommendation")]
    assert result.rows == []


@pytest.mark.parametrize(("value", "expected"), [
    ("dibao", "dibao"), ("低保", "dibao"), ("tekun", "tekun"), ("特困", "tekun"),
    ("temporary", "temporary"), ("临时救助", "temporary"), ("none", "none"), ("不符合", "none"),
    (" Dibao ", "dibao"),
])
def test_recommendation_in_english_or_chinese_is_normalised(value, expected):
    assert read([record(recommendation=value)]).rows[0].recommendation == expected


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("3.0", 3), (" 12 ", 12)])
def test_members_accepts_whole_numbers_written_as_text(value, expected):
    assert read([record(members=value)]).rows[0].members == expected


def test_lower_case_x_is_accepted_and_stored_upper_case():
    number = next(id_number(f"42120219800101{n:03d}") for n in range(1000)
                  if id_number(f"42120219800101{n:03d}").endswith("X"))

    result = read([record(id_number=number.lower())])

    assert messages(result) == [] and result.rows[0].id_number == number


def test_survey_today_is_allowed_and_tomorrow_refused():
    today = read([record(survey_date="2026-06-30")])
    tomorrow = read([record(survey_date="2026-07-01")])

    assert today.rows[0].survey_date == TODAY
    assert messages(tomorrow) == [(2, "survey_date", "The survey date 2026-07-01 is in the future.")]


def test_contract_period_bounds_are_inclusive():
    ctx = dict(period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), today=TODAY)
    inside = read([record(survey_date="2026-01-01"),
                   record(id_number=id_number("42120219800101124"), survey_date="2026-03-31")],
                  **ctx)
    outside = read([record(survey_date="2025-12-31"),
                    record(id_number=id_number("42120219800101124"), survey_date="2026-04-01")],
                   **ctx)

    assert [row.survey_date for row in inside.rows] == [date(2026, 1, 1), date(2026, 3, 31)]
    assert [(row, field) for row, field, _ in messages(outside)] == [
        (2, "survey_date"), (3, "survey_date")]


def test_an_id_number_twice_in_the_file_names_the_earlier_row():
    other = id_number("42120219800101124")
    result = read([record(), record(id_number=other), record(id_number=id_number().lower()),
                   record(id_number=other, members="0")])

    assert messages(result) == [
        (4, "id_number", f"The ID number {mask_id(id_number())} is already in row 2 of this file."),
        (5, "members", "The number of members must be at least 1."),
        (5, "id_number", f"The ID number {mask_id(other)} is already in row 3 of this file."),
    ]
    assert result.rows == []


def test_an_id_number_already_stored_for_the_contract_and_period_is_refused():
    result = read([record()], existing_id_numbers=frozenset({id_number()}))

    assert messages(result) == [(2, "id_number", f"The ID number {mask_id(id_number())} is already "
                                 "recorded for this contract and period.")]


def test_one_bad_row_among_a_thousand_good_ones_stores_nothing():
    records = [record(id_number=id_number(f"42120219800101{n:03d}")) for n in range(1000)]
    records.insert(500, record(id_number=id_number("42120219800102999"), region_code="110101"))
    assert len({values["id_number"] for values in records}) == 1001

    result = read(records)

    assert result.rows == [] and not result.ok
    assert [(row, field) for row, field, _ in messages(result)] == [(502, "region_code")]


def test_errors_are_capped_with_a_count_of_the_rest():
    records = [record(id_number=id_number(f"421202198001{n:05d}")[:17] + "A")
               for n in range(MAX_ERRORS + 5)]

    result = read(records)

    assert len(result.errors) == MAX_ERRORS + 1 and result.error_count == MAX_ERRORS + 5
    assert messages(result)[-1] == (None, "", "… and 5 more errors.")


def test_a_missing_column_is_a_file_level_error_naming_it():
    data = csv_file([record()], columns=[key for key in FIELDS if key not in
                                         ("surveyor", "assets")])

    result = read_households(data, "h.csv", context())

    assert messages(result) == [
        (1, "header", "Missing columns: 家庭财产 (assets), 调查员 (surveyor).")]


def test_an_unknown_or_repeated_column_refuses_the_file():
    data = csv_file([record()], columns=[*FIELDS, "备注"])
    unknown = read_households(data, "h.csv", context())
    header = ",".join([*FIELDS, "身份证号"]).encode()
    repeated = read_households(header + b"\r\n", "h.csv", context())

    assert messages(unknown) == [(1, "header", "Unknown columns: 备注. Remove them or use the "
                                  "names of the template.")]
    assert messages(repeated) == [(1, "header", "Columns given more than once: "
                                   "身份证号 (id_number).")]


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (PNG, "households.xlsx", "could not be read as an Excel workbook"),
    (b"", "households.xlsx", "could not be read as an Excel workbook"),
    (PNG, "households.csv", "not a CSV text file"),
    (b"\xff\xfe\xff\xff,a\r\n", "households.csv", "neither UTF-8 nor GBK"),
    (b"", "households.csv", "no header row"),
    (b"id_number\r\n", "households.pdf", "Upload an .xlsx or .csv file"),
    (",".join(FIELDS).encode() + b'\r\n,,,\r\n"2,,\r\n3\r\n', "households.csv",
     "malformed near row 3"),
])
def test_an_unreadable_file_is_a_clear_file_level_error(data, filename, expected):
    result = read_households(data, filename, context())

    assert not result.ok and result.rows == []
    row, field, message = messages(result)[0]
    assert (row, field) == (None, "file")
    assert expected in message


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel():
    data = b"\r\n" + csv_file([record()]) + b",,,,,,,,\r\n  ,,\r\n" + \
        csv_file([record(id_number=id_number("42120219800101124"), members="x")]).split(
            b"\r\n", 1)[1] + b",,,,,,,,\r\n"

    result = read_households(data, "h.csv", context())

    assert [(row, field) for row, field, _ in messages(result)] == [(6, "members")]


def test_more_rows_than_allowed_is_a_file_level_error():
    records = [record(id_number=id_number(f"421202198001{n:05d}")[:17]) for n in range(3)]

    result = read(records, max_rows=2)

    assert messages(result) == [(4, "file", "The file has more than 2 records; split it "
                                 "into smaller files.")]


def test_messages_are_lazy_and_render_inside_a_request(app):
    result = read([record(members="0")])
    message = result.errors[0].message

    assert not isinstance(message, str)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(message) == "The number of members must be at least 1."


def test_errors_xlsx_lists_row_field_and_message_with_chinese_headers():
    result = read([record(), record(id_number=id_number(), surveyor="")])

    table = CalamineWorkbook.from_filelike(io.BytesIO(make_errors_xlsx(result.errors)))
    rows = table.get_sheet_by_index(0).to_python()

    assert rows[0] == ["行号", "字段", "问题"]
    assert rows[1] == [3.0, "调查员 (surveyor)", "Enter a name."]
    assert rows[2][:2] == [3.0, "身份证号 (id_number)"] and "row 2" in rows[2][2]

