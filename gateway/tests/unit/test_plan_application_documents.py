"""A plan application may cite only documents its own unit uploaded, with
the digest and size of that upload; anything else is refused before planning
is asked."""

import io

import pytest
from sqlalchemy import select

FORM = b"%PDF-1.4\n% application form\n%%EOF\n"
PLAN = b"%PDF-1.4\n% project plan\n%%EOF\n"


def _upload(client, headers, content, filename):
    response = client.post("/api/documents", headers=headers,
                           data={"file": (io.BytesIO(content), filename, "application/pdf")})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _application(**documents):
    return {"name": "智慧警务平台", "plan_year": 2027, "category": "BUILD", "documents": documents}


def _submit(client, headers, payload, key="apply-1"):
    return client.post("/api/plan-applications", json=payload, headers={**headers, "Idempotency-Key": key})


@pytest.fixture
def police(login_as):
    return login_as("police")


@pytest.fixture
def own_refs(client, police):
    return _upload(client, police, FORM, "申报书.pdf"), _upload(client, police, PLAN, "项目方案.pdf")


def test_citing_own_uploads_is_forwarded_unchanged(client, police, fakes, own_refs):
    form, plan = own_refs
    fakes["planning"].answers["submit_plan_application"] = {"id": "p-1", "state": "PLAN_APPLIED"}
    payload = _application(application_form=form, project_plan=plan)
    response = _submit(client, police, payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    [call] = fakes["planning"].calls
    assert call.args == (payload,) and call.kwargs == {"idempotency_key": "apply-1"}


def test_absent_documents_are_left_to_planning(client, police, fakes):
    # R-7-4's own codes (E07-APPLICATION-FORM-MISSING …) are planning's to give.
    fakes["planning"].answers["submit_plan_application"] = {"id": "p-1"}
    assert _submit(client, police, _application(application_form=None)).status_code == 201
    assert _submit(client, police, {"name": "x", "plan_year": 2027}, key="k-2").status_code == 201
    assert len(fakes["planning"].calls) == 2


def test_citing_another_units_upload_is_refused_and_nothing_is_forwarded(client, login_as, police,
                                                                          fakes, own_refs):
    form, _ = own_refs
    edu = login_as("edu")
    own_plan = _upload(client, edu, b"%PDF-1.4\n% edu plan\n%%EOF\n", "方案.pdf")
    response = _submit(client, edu, _application(application_form=form, project_plan=own_plan))
    assert response.status_code == 422
    assert response.get_json() == {
        "refused": True, "code": "E07-DOCUMENT-NOT-UPLOADED", "rule": "R-7-4", "article": "第七条",
        "reason_zh": "引用的文件未经本单位上传：申报书.pdf",
        "reason_en": "The cited document was not uploaded by your unit: 申报书.pdf",
        "details": {"field": "documents.application_form", "digest": form["digest"]},
    }
    assert fakes["planning"].calls == []


def test_the_refusal_is_in_the_audit_chain(client, login_as, fakes, own_refs, tx_provider):
    form, plan = own_refs
    _submit(client, login_as("edu"), _application(application_form=form, project_plan=plan))
    audit = tx_provider.tables.audit_log
    with tx_provider.get_dependency(None).read() as session:
        rows = session.execute(select(audit.c.action, audit.c.outcome, audit.c.code, audit.c.actor_unit)
                               .where(audit.c.outcome == "REFUSED")).all()
    assert rows == [("submit_plan_application", "REFUSED", "E07-DOCUMENT-NOT-UPLOADED", "edu")]


def test_a_bureau_cannot_cite_a_units_upload_either(client, login_as, fakes, own_refs):
    # Reading every document is not uploading it.
    form, plan = own_refs
    response = _submit(client, login_as("zwb"), _application(application_form=form, project_plan=plan))
    assert response.status_code == 422 and response.get_json()["code"] == "E07-DOCUMENT-NOT-UPLOADED"
    assert fakes["planning"].calls == []


def test_a_size_that_differs_from_the_upload_is_refused(client, police, fakes, own_refs):
    form, plan = own_refs
    wrong = {**plan, "size": plan["size"] + 1}
    response = _submit(client, police, _application(application_form=form, project_plan=wrong))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "E07-DOCUMENT-NOT-UPLOADED"
    assert body["details"] == {"field": "documents.project_plan", "digest": plan["digest"]}
    assert body["reason_zh"] == "引用的文件未经本单位上传：项目方案.pdf"
    assert fakes["planning"].calls == []


@pytest.mark.parametrize("size", ["41", True, None, 41.5, -1, 10**30])
def test_a_size_that_is_not_an_integer_is_refused(client, police, fakes, own_refs, size):
    form, plan = own_refs
    response = _submit(client, police, _application(application_form=form,
                                                    project_plan={**plan, "size": size}))
    assert response.status_code == 422 and response.get_json()["code"] == "E07-DOCUMENT-NOT-UPLOADED"
    assert fakes["planning"].calls == []


def test_a_digest_nobody_uploaded_is_refused(client, police, fakes, own_refs):
    form, plan = own_refs
    invented = {**plan, "digest": "sha256:" + "ab" * 32}
    response = _submit(client, police, _application(application_form=form, project_plan=invented))
    assert response.status_code == 422
    assert response.get_json()["details"] == {"field": "documents.project_plan", "digest": invented["digest"]}
    assert fakes["planning"].calls == []


def test_every_document_slot_is_checked_not_only_the_known_ones(client, police, fakes, own_refs):
    form, plan = own_refs
    foreign = {"digest": "sha256:" + "cd" * 32, "size": 10, "media_type": "application/pdf",
               "filename": "他人文件.pdf"}
    for documents, field in (
        ({"application_form": form, "project_plan": plan, "feasibility_study": foreign},
         "documents.feasibility_study"),
        ({"application_form": form, "project_plan": plan, "attachments": [plan, foreign]},
         "documents.attachments.1"),
    ):
        response = _submit(client, police, _application(**documents))
        assert response.status_code == 422
        assert response.get_json()["details"]["field"] == field
        assert response.get_json()["reason_zh"] == "引用的文件未经本单位上传：他人文件.pdf"
    assert fakes["planning"].calls == []


def test_the_check_comes_after_login_and_the_idempotency_key(client, police, fakes, own_refs):
    form, plan = own_refs
    payload = _application(application_form=form, project_plan=plan)
    assert client.post("/api/plan-applications", json=payload, headers=police).status_code == 400
    client.delete_cookie("itpm_session")
    assert _submit(client, {}, payload).status_code == 401
    assert fakes["planning"].calls == []
