import hashlib
import io

import pytest
from sqlalchemy import select

from gateway.models import DocumentUpload
from gateway.seed import DEMO_USERS
from itpm_common.identity import ALL_ROLES, READ_ALL_ROLES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, headers, content=PDF, filename="申报书.pdf", content_type="application/pdf"):
    return client.post("/api/documents", headers=headers,
                       data={"file": (io.BytesIO(content), filename, content_type)})


def test_upload_returns_a_document_ref_and_records_who_uploaded(client, login_as, tx_provider):
    response = _upload(client, login_as("police"))
    assert response.status_code == 201
    digest = "sha256:" + hashlib.sha256(PDF).hexdigest()
    assert response.get_json() == {"digest": digest, "size": len(PDF), "media_type": "application/pdf",
                                   "filename": "申报书.pdf"}
    with tx_provider.get_dependency(None).read() as session:
        row = session.scalars(select(DocumentUpload)).one()
        assert (row.digest, row.uploaded_by, row.unit_id, row.filename) == (
            digest, "police", "police", "申报书.pdf")


def test_download_gives_the_bytes_type_and_name(client, login_as):
    headers = login_as("police")
    digest = _upload(client, headers).get_json()["digest"]
    response = client.get(f"/api/documents/{digest}", headers=login_as("zwb"))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    bare = client.get(f"/api/documents/{digest.split(':')[1]}", headers=headers)
    assert bare.status_code == 200 and bare.data == PDF


def test_download_needs_a_login_and_an_existing_digest(client, login_as):
    headers = login_as("police")
    digest = _upload(client, headers).get_json()["digest"]
    client.delete_cookie("itpm_session")
    assert client.get(f"/api/documents/{digest}").status_code == 401
    missing = client.get("/api/documents/sha256:" + "0" * 64, headers=headers)
    assert missing.status_code == 404 and missing.get_json()["code"] == "NOT-FOUND"
    assert client.get("/api/documents/..%2F..%2Fetc%2Fpasswd", headers=headers).status_code == 404


def test_a_classified_file_name_is_refused_under_article_18(client, login_as, config):
    response = _upload(client, login_as("police"), filename="项目方案（机密）.pdf")
    assert response.status_code == 422
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"]) == ("E18-CLASSIFIED-CONTENT", "R-0-3", "第十八条")
    assert "涉密" in body["reason_zh"]


def test_upload_refusals(client, login_as, config):
    headers = login_as("police")
    too_big = _upload(client, headers, content=PDF + b"0" * config["DOCSTORE_MAX_BYTES"])
    assert too_big.status_code == 413 and too_big.get_json()["code"] == "DOC-TOO-LARGE"
    envelope_too_big = _upload(client, headers, content=PDF + b"0" * (config["DOCSTORE_MAX_BYTES"] + 200_000))
    assert envelope_too_big.status_code == 413 and envelope_too_big.get_json()["code"] == "DOC-TOO-LARGE"
    empty = _upload(client, headers, content=b"")
    assert empty.status_code == 400 and empty.get_json()["code"] == "DOC-EMPTY"
    renamed = _upload(client, headers, filename="方案.docx")
    assert renamed.status_code == 400 and renamed.get_json()["code"] == "DOC-TYPE-MISMATCH"
    binary = _upload(client, headers, content=b"MZ\x90\x00\x03" + bytes(range(256)), filename="a.exe")
    assert binary.status_code == 400 and binary.get_json()["code"] == "DOC-TYPE-NOT-ALLOWED"
    no_file = client.post("/api/documents", headers=headers, data={"other": "x"},
                          content_type="multipart/form-data")
    assert no_file.status_code == 400 and "file" in no_file.get_json()["details"]["fields"]
    as_json = client.post("/api/documents", headers=headers, json={"file": "x"})
    assert as_json.status_code == 400 and as_json.get_json()["code"] == "VALIDATION"


def test_upload_needs_a_login(client):
    assert _upload(client, {}).status_code == 401


# ---------------------------------------------------------------- who may download (rules.md §7.2)


def test_the_uploading_unit_downloads_its_document(client, login_as, add_user):
    digest = _upload(client, login_as("police")).get_json()["digest"]
    assert client.get(f"/api/documents/{digest}", headers=login_as("police")).data == PDF
    # The unit's, not only the person's: a colleague of the same unit may read it.
    add_user("police2", "UNIT", "police", "市公安局")
    response = client.get(f"/api/documents/{digest}", headers=login_as("police2"))
    assert response.status_code == 200 and response.data == PDF


# Derived from Identity.reads_all so the tests follow the one place that says
# which roles read every project.
READERS_OF_ALL = [u.username for u in DEMO_USERS if u.role in READ_ALL_ROLES]
OTHER_ROLES = [role for role in ALL_ROLES if role not in READ_ALL_ROLES]


def test_the_bureaus_are_among_the_readers_of_all():
    assert {"zwb", "fg", "cz", "wx", "gx"} <= set(READERS_OF_ALL)
    assert {"JL", "SUB", "UNIT"} <= set(OTHER_ROLES)


@pytest.mark.parametrize("bureau", READERS_OF_ALL)
def test_roles_that_read_every_project_download_any_document(client, login_as, bureau):
    digest = _upload(client, login_as("police")).get_json()["digest"]
    response = client.get(f"/api/documents/{digest}", headers=login_as(bureau))
    assert response.status_code == 200 and response.data == PDF
    assert "%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf" in response.headers["Content-Disposition"]


def _not_found_looks_like_missing(client, headers, digest):
    response = client.get(f"/api/documents/{digest}", headers=headers)
    missing_digest = "sha256:" + "0" * 64
    missing = client.get(f"/api/documents/{missing_digest}", headers=headers)
    assert response.status_code == missing.status_code == 404
    body, missing_body = response.get_json(), missing.get_json()
    assert body["code"] == "NOT-FOUND" and body["details"] == {"id": digest}
    assert {**body, "details": None} == {**missing_body, "details": None}
    assert PDF not in response.data


def test_another_department_gets_404_as_if_the_document_did_not_exist(client, login_as):
    digest = _upload(client, login_as("police")).get_json()["digest"]
    _not_found_looks_like_missing(client, login_as("edu"), digest)
    # The bare hex form of the digest is no way around it.
    assert client.get(f"/api/documents/{digest.split(':')[1]}", headers=login_as("edu")).status_code == 404


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_roles_that_do_not_read_every_project_get_404(client, login_as, add_user, role):
    digest = _upload(client, login_as("police")).get_json()["digest"]
    add_user("other", role, f"{role.lower()}-unit")
    _not_found_looks_like_missing(client, login_as("other"), digest)


def test_a_unit_that_uploaded_the_same_bytes_sees_its_own_upload(client, login_as):
    digest = _upload(client, login_as("police"), filename="公安申报书.pdf").get_json()["digest"]
    assert _upload(client, login_as("edu"), filename="教育方案.pdf").get_json()["digest"] == digest
    response = client.get(f"/api/documents/{digest}", headers=login_as("edu"))
    assert response.status_code == 200 and response.data == PDF
    # Not the other unit's file name: that would tell edu what police filed.
    assert "%E6%95%99%E8%82%B2%E6%96%B9%E6%A1%88.pdf" in response.headers["Content-Disposition"]


def test_an_upload_whose_unit_is_unknown_is_for_the_bureaus_only(client, login_as, tx_provider):
    digest = _upload(client, login_as("police")).get_json()["digest"]
    with tx_provider.get_dependency(None).read() as session:
        session.get(DocumentUpload, 1).unit_id = None
        session.commit()
    assert client.get(f"/api/documents/{digest}", headers=login_as("police")).status_code == 404
    assert client.get(f"/api/documents/{digest}", headers=login_as("zwb")).status_code == 200
