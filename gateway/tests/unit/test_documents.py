import hashlib
import io

from sqlalchemy import select

from gateway.models import DocumentUpload

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
        assert (row.digest, row.uploaded_by, row.filename) == (digest, "police", "申报书.pdf")


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
