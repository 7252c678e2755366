"""The structured template editor: rows instead of JSON, through the same service."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from evaluations.assessment.models import AssessmentTemplate, TemplateStatus

FIELD = re.compile(r'<(input|select)\b([^>]*)>()|<(textarea)\b([^>]*)>(.*?)</textarea>', re.S)


def versions(db, code):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(AssessmentTemplate.version)
                                     .where(AssessmentTemplate.code == code)))


def stored(db, code, version):
    db.session.expire_all()
    return db.session.scalar(sa.select(AssessmentTemplate).where(
        AssessmentTemplate.code == code, AssessmentTemplate.version == version))


def form_fields(html: str) -> dict[str, str]:
    """What a browser would post from the editor page, as it was rendered (no button)."""
    fields: dict[str, str] = {}
    for match in FIELD.findall(html):
        tag, attrs, body = match[:3] if match[0] else match[3:]
        name = re.search(r'name="([^"]+)"', attrs)
        if name is None or name.group(1) in ("preview", "save"):
            continue
        if tag == "select":
            chosen = re.search(rf'name="{re.escape(name.group(1))}".*?<option value="([^"]*)" '
                               r'selected', html, re.S)
            fields[name.group(1)] = chosen.group(1)
        elif tag == "textarea":
            fields[name.group(1)] = body
        elif 'type="checkbox"' in attrs:
            if "checked" in attrs:
                fields[name.group(1)] = "y"
        else:
            value = re.search(r'value="([^"]*)"', attrs)
            fields[name.group(1)] = value.group(1) if value else ""
    return {k: v.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
            for k, v in fields.items()}


@pytest.fixture
def editor(as_user, make_template):
    """An admin on the editor page of quality v1: ``(browser, template, url, fields)``."""
    template = make_template("quality")
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}/editor"
    page = browser.get(url)
    assert page.status_code == 200
    return browser, template, url, form_fields(page.get_data(as_text=True))


def test_editor_shows_the_current_items_and_is_linked_from_the_detail(as_user, editor):
    browser, template, url, fields = editor
    first = template.sections[0].items[0]
    assert fields["sections-0-items-0-key"] == first.key
    assert fields["sections-0-items-0-text_zh"] == first.text_zh
    assert fields["sections-0-items-0-max_points"] == f"{first.max_points.normalize():f}"
    assert fields["sections-0-weight"] == "20" and fields["name_zh"] == template.name_zh
    assert fields["grade_bands-0-grade"] == "excellent"
    last = template.sections[-1].items[-1]
    assert last.text_en in fields.values()
    detail = browser.get(f"/evaluations/templates/{template.id}").get_data(as_text=True)
    assert url in detail and f"/evaluations/templates/{template.id}/edit\"" in detail


def test_posting_the_page_unchanged_stores_nothing(editor, db):
    browser, _template, url, fields = editor
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 422
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert versions(db, "quality") == [1]


def test_changing_max_points_saves_version_2_and_keeps_version_1(editor, db):
    browser, template, url, fields = editor
    key = fields["sections-1-items-2-key"]
    old = template.sections[1].items[2].max_points
    fields["sections-1-items-2-max_points"] = "7.5"
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 302
    assert versions(db, "quality") == [1, 2]
    v1, v2 = stored(db, "quality", 1), stored(db, "quality", 2)
    assert response.headers["Location"].endswith(f"/evaluations/templates/{v2.id}")
    assert [i.key for i in v2.sections[1].items][2] == key
    assert v2.sections[1].items[2].max_points == 7.5
    assert v1.sections[1].items[2].max_points == old != 7.5
    assert v2.status is TemplateStatus.PUBLISHED
    # everything else came through unchanged
    assert [i.key for i in v2.items] == [i.key for i in v1.items]
    assert [s.weight for s in v2.sections] == [s.weight for s in v1.sections]


def test_removing_an_item_and_adding_one(editor, db):
    browser, template, url, fields = editor
    removed = fields["sections-0-items-1-key"]
    fields["sections-0-items-1-remove"] = "y"
    n = len(template.sections[2].items)  # the first blank row under section 2
    fields |= {f"sections-2-items-{n}-key": "added_check",
               f"sections-2-items-{n}-text_zh": "新增检查项",
               f"sections-2-items-{n}-kind": "yes_no",
               f"sections-2-items-{n}-max_points": "2",
               f"sections-2-items-{n}-allow_na": "y"}
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    v1, v2 = stored(db, "quality", 1), stored(db, "quality", 2)
    assert removed not in [i.key for i in v2.items] and removed in [i.key for i in v1.items]
    added = v2.sections[2].items[-1]
    assert (added.key, added.text_zh, added.kind, added.max_points, added.allow_na,
            added.critical) == ("added_check", "新增检查项", "yes_no", 2, True, False)
    assert len(v2.items) == len(v1.items)


def test_adding_a_section(editor, db):
    browser, template, url, fields = editor
    s = len(template.sections)  # the blank section block
    fields |= {f"sections-{s}-key": "extra", f"sections-{s}-name_zh": "附加",
               f"sections-{s}-weight": "5", f"sections-{s}-items-0-key": "extra_one",
               f"sections-{s}-items-0-text_zh": "附加一", f"sections-{s}-items-0-max_points": "1"}
    assert browser.post(url, fields | {"save": "y"}).status_code == 302
    v2 = stored(db, "quality", 2)
    assert [s.key for s in v2.sections][-1] == "extra"
    assert [i.key for i in v2.sections[-1].items] == ["extra_one"]


def test_max_points_not_a_half_step_is_422_next_to_the_item(editor, db):
    browser, _template, url, fields = editor
    key = fields["sections-1-items-4-key"]
    fields["sections-1-items-1-remove"] = "y"  # the doc index (3) now differs from the row (4)
    fields["sections-1-items-4-max_points"] = "2.3"
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    row = page[page.index('id="sections-1-items-4-row"'):]
    row = row[:row.index('id="sections-1-items-5-row"')]
    assert "table-danger" in row and "is-invalid" in row and "multiple of 0.5" in row
    assert key in row and 'value="2.3"' in row
    assert page.count("multiple of 0.5") == 1
    assert "Nothing was stored" in page
    assert versions(db, "quality") == [1]


def test_a_weight_that_is_not_a_number_is_422(editor, db):
    browser, _template, url, fields = editor
    fields["sections-2-weight"] = "twenty"
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    card = page[page.index('id="section-2"'):page.index('id="section-3"')]
    assert "the weight must be a number" in card and 'value="twenty"' in card
    assert versions(db, "quality") == [1]


def test_preview_shows_the_form_and_stores_nothing(editor, db):
    browser, _template, url, fields = editor
    fields["sections-0-items-0-text_en"] = "Previewed wording"
    response = browser.post(url, fields | {"preview": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview (not saved)" in page and 'class="btn-check"' in page
    assert "Previewed wording" in page[page.index('id="preview"'):]
    assert versions(db, "quality") == [1]


def test_a_concurrent_save_is_409(editor, db, make_template):
    browser, _template, url, fields = editor
    fields["sections-0-weight"] = "11"
    make_template("quality")                  # another admin stored version 2 meanwhile
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 409
    assert "saved at the same time" in response.get_data(as_text=True)
    assert versions(db, "quality") == [1, 2]


@pytest.mark.parametrize("typed", ["1e5000", "1E+5000", "1e30000000"])
def test_a_weight_with_a_huge_exponent_is_refused_at_once(editor, db, typed):
    """"1e5000" became a 5001-digit int the format could not write as text (a 500);
    "1e30000000" held the worker for a minute building the int."""
    browser, _template, url, fields = editor
    fields["sections-0-weight"] = typed
    response = browser.post(url, fields | {"preview": "y"})
    assert response.status_code == 422
    assert "must be a number" in response.get_data(as_text=True)
    assert versions(db, "quality") == [1]


@pytest.mark.parametrize("role", ["officer", "inspector", "provider"])
def test_only_admins_may_use_the_editor(as_user, make_template, role):
    template = make_template("quality")
    browser, _ = as_user(role)
    url = f"/evaluations/templates/{template.id}/editor"
    assert browser.get(url).status_code == 403
    assert browser.post(url, {"preview": "y"}).status_code == 403
    detail = browser.get(f"/evaluations/templates/{template.id}")
    assert url not in detail.get_data(as_text=True)


def test_a_grade_band_problem_is_shown_on_its_row(editor, db):
    browser, _template, url, fields = editor
    fields["grade_bands-3-min_score"] = "5"
    response = browser.post(url, fields | {"preview": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    row = page[page.index('name="grade_bands-3-grade"'):page.index('name="grade_bands-4-grade"')]
    assert "must start at 0" in row and "is-invalid" in row
    assert "Preview (not saved)" not in page
    assert versions(db, "quality") == [1]


def test_the_editor_speaks_chinese(as_user, make_template):
    template = make_template("quality")
    browser, _ = as_user("admin", locale="zh_CN")
    page = browser.get(f"/evaluations/templates/{template.id}/editor").get_data(as_text=True)
    assert "添加评估部分" in page and "满分" in page and "高级：编辑 JSON" in page
