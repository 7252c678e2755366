"""Household-record files for the tests: valid ID numbers and the CSV a surveyor uploads."""

from __future__ import annotations

import csv
import io

from stdnum.cn.ric import calc_check_digit

from contracts.households.files import ALL_FIELDS, LABELS


def hh_id(n: int, birth: str = "19800101") -> str:
    """A valid ID number, distinct for each ``n`` (0–999)."""
    body = f"100100{birth}{n % 1000:03d}"
    return body + calc_check_digit(body + "0")


def hh_csv(records: list[dict], *, chinese: bool = False, encoding: str = "utf-8") -> bytes:
    """A household-record .csv of ``records`` (dicts by field key; missing keys defaulted)."""
    defaults = dict(head_name="王秀英", region_code="100100001001", members="3", area="rural",
                    monthly_income="1200.00", assets="0", survey_date="2026-03-05", surveyor="李强",
                    recommendation="dibao", second_surveyor="张敏", surveyors_signed="是", applicant_signed="是")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([LABELS[key] if chinese else key for key in ALL_FIELDS])
    for i, values in enumerate(records):
        row = defaults | {"id_number": hh_id(i)} | values
        writer.writerow([row.get(key, "") for key in ALL_FIELDS])
    return buffer.getvalue().encode(encoding)
