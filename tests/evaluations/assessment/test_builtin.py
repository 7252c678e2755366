"""Checks of the built-in assessment templates (evaluations/assessment/builtin/*.json).

Pure data checks: stdlib json only, no application import, so they run without the app.
"""
import json
import pathlib
import re
from decimal import Decimal

import pytest

BUILTIN = pathlib.Path(__file__).resolve().parents[3] / "evaluations" / "assessment" / "builtin"

CODES = ("quality", "safety", "warm_winter", "survey_service", "child_welfare", "grading")
TARGETS = {"quality": "facility", "safety": "facility", "warm_winter": "facility",
           "survey_service": "contract", "child_welfare": "facility", "grading": "facility"}
KINDS = {"points", "yes_no", "reading"}
GRADES = ["excellent", "good", "pass", "fail"]
#: GB/T 37276-2018: five levels and below them no level; its parts weigh their 1000 points
LEVELS = ["level_5", "level_4", "level_3", "level_2", "level_1", "not_rated"]
TOTAL_WEIGHT = {"grading": 1000}
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
NINE_RISKS = ["噎食", "食品药品误食", "压疮", "烫伤", "坠床", "跌倒", "他伤和自伤", "走失", "文娱活动意外"]


def load(code):
    with open(BUILTIN / f"{code}.json", encoding="utf-8") as fh:
        return json.load(fh)


def items(doc):
    return [item for section in doc["sections"] for item in section["items"]]


def assert_bilingual(value, where):
    assert isinstance(value, dict), f"{where}: expected {{zh_CN, en}}, got {value!r}"
    assert set(value) == {"zh_CN", "en"}, f"{where}: languages {sorted(value)}"
    for lang in ("zh_CN", "en"):
        text = value[lang]
        assert isinstance(text, str) and text.strip(), f"{where}.{lang} is empty"
    assert re.search(r"[\u4e00-\u9fff]", value["zh_CN"]), f"{where}.zh_CN has no Chinese"


def test_exactly_the_builtin_files():
    assert sorted(p.stem for p in BUILTIN.glob("*.json")) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_header(code):
    doc = load(code)
    assert doc["format"] == "careprocure-template/1"
    assert doc["code"] == code
    assert doc["target"] == TARGETS[code]
    assert_bilingual(doc["name"], f"{code}.name")
    assert_bilingual(doc["description"], f"{code}.description")


@pytest.mark.parametrize("code", CODES)
def test_at_least_25_items(code):
    assert len(items(load(code))) >= 25


@pytest.mark.parametrize("code", CODES)
def test_both_languages_everywhere(code):
    doc = load(code)
    for section in doc["sections"]:
        assert_bilingual(section["name"], f"{code}.{section['key']}.name")
        assert section["items"], f"{code}.{section['key']} has no items"
        for item in section["items"]:
            where = f"{code}.{item['key']}"
            assert_bilingual(item["text"], f"{where}.text")
            assert_bilingual(item["guidance"], f"{where}.guidance")


@pytest.mark.parametrize("code", CODES)
def test_keys_snake_case_and_unique(code):
    doc = load(code)
    section_keys = [s["key"] for s in doc["sections"]]
    item_keys = [i["key"] for i in items(doc)]
    for key in section_keys + item_keys:
        assert isinstance(key, str) and KEY_RE.match(key), f"{code}: bad key {key!r}"
    assert len(section_keys) == len(set(section_keys)), f"{code}: duplicate section key"
    assert len(item_keys) == len(set(item_keys)), f"{code}: duplicate item key"
    assert not set(section_keys) & set(item_keys), f"{code}: section and item share a key"


@pytest.mark.parametrize("code", CODES)
def test_weights_positive_integers_summing_to_100(code):
    weights = [s["weight"] for s in load(code)["sections"]]
    for w in weights:
        # weight 0: shown, not counted (the grading template's prerequisites)
        assert isinstance(w, int) and not isinstance(w, bool) and (
            w > 0 or code == "grading"), f"{code}: weight {w!r}"
    assert sum(weights) == TOTAL_WEIGHT.get(code, 100)


@pytest.mark.parametrize("code", CODES)
def test_items_fields(code):
    for item in items(load(code)):
        where = f"{code}.{item['key']}"
        assert item["kind"] in KINDS, where
        mp = item["max_points"]
        assert isinstance(mp, (int, float)) and not isinstance(mp, bool), where
        d = Decimal(str(mp))
        assert d > 0 and (d * 2) % 1 == 0, f"{where}: max_points {mp!r}"
        for flag in ("critical", "allow_na", "evidence_required"):
            assert isinstance(item[flag], bool), f"{where}.{flag}"


@pytest.mark.parametrize("code", CODES)
def test_grade_bands_descending_to_zero(code):
    bands = load(code)["grade_bands"]
    assert [b["grade"] for b in bands] == (LEVELS if code == "grading" else GRADES)
    scores = [b["min_score"] for b in bands]
    assert all(0 <= s <= 100 for s in scores)
    assert all(a > b for a, b in zip(scores, scores[1:], strict=False)), scores
    assert scores[-1] == 0


@pytest.mark.parametrize("code", CODES)
def test_has_a_critical_item(code):
    assert any(i["critical"] for i in items(load(code)))


def test_quality_vetoes_licence_and_fire_acceptance():
    texts = [i["text"]["zh_CN"] for i in items(load("quality")) if i["critical"]]
    assert any("备案" in t for t in texts)
    assert any("消防验收" in t for t in texts)


def test_safety_holds_the_nine_risks():
    texts = [i["text"]["zh_CN"] for i in items(load("safety"))]
    for risk in NINE_RISKS:
        assert any(risk in t for t in texts), f"safety lacks an item on {risk}"


def test_safety_vetoes_major_hazards():
    texts = " ".join(i["text"]["zh_CN"] for i in items(load("safety")) if i["critical"])
    for word in ("备案", "消防验收", "危险房屋", "特种设备", "食品经营许可证", "彩钢夹芯板",
                 "内设医疗机构"):
        assert word in texts, f"safety has no critical item on {word}"


def test_survey_service_two_investigator_rule_is_critical():
    crit = [i for i in items(load("survey_service")) if i["critical"]]
    assert any("2人" in i["text"]["zh_CN"] or "两名" in i["text"]["zh_CN"] for i in crit)


def test_child_welfare_cites_the_measures_in_every_item_and_marks_what_is_unverified():
    doc = load("child_welfare")
    assert {s["key"] for s in doc["sections"]} == {
        "safety", "care", "health", "education", "psychological_support"}
    for item in items(doc):
        guidance = item["guidance"]["zh_CN"]
        assert "《儿童福利机构管理办法》（民政部令第63号，2018年）" in guidance, item["key"]
        assert re.search(r"〔(条文已核实|条号待核|仅见于|本地补充)", guidance), item["key"]
        assert "MCA Order No. 63, 2018" in item["guidance"]["en"], item["key"]
    critical = {i["key"] for i in items(doc) if i["critical"]}
    assert critical == {"no_abuse", "fire_acceptance"}
    assert "2026" in doc["description"]["zh_CN"]  # the revised Measures are flagged
