import hashlib
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import auth
from gateway.models import User, UserSession
from gateway.seed import DEMO_PASSWORD, DEMO_USERS, seed
from itpm_common.db import make_engine


def _users(url):
    engine = make_engine(url)
    with Session(engine) as session:
        users = {u.username: u for u in session.scalars(select(User))}
    engine.dispose()
    return users


def test_passwords_are_stored_as_salted_argon2_hashes(database):
    users = _users(database)
    assert set(users) == {d.username for d in DEMO_USERS}
    hashes = [u.password_hash for u in users.values()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(DEMO_PASSWORD not in h for h in hashes)
    # The same password gives a different hash per user: each has its own salt.
    assert len(set(hashes)) == len(hashes)
    assert auth.verify_password(users["zwb"].password_hash, DEMO_PASSWORD)
    assert not auth.verify_password(users["zwb"].password_hash, "demo@2026")
    assert not auth.verify_password("not-a-hash", DEMO_PASSWORD)


def test_seed_is_idempotent_and_keeps_changed_passwords(database):
    engine = make_engine(database)
    with Session(engine) as session:
        user = session.get(User, "edu")
        user.password_hash = auth.hash_password("Changed#1")
        session.commit()
        assert seed(session) == {"created": 0, "updated": 0}
        assert auth.verify_password(session.get(User, "edu").password_hash, "Changed#1")
        assert session.query(User).count() == len(DEMO_USERS)
        seed(session, reset_passwords=True)
        assert auth.verify_password(session.get(User, "edu").password_hash, DEMO_PASSWORD)
    engine.dispose()


def test_demo_users_cover_the_roles_that_log_in(database):
    users = _users(database)
    assert (users["zwb"].role, users["zwb"].unit_id, users["zwb"].unit_name) == ("ZWB", "zwb", "市政务服务管理办公室")
    assert users["zwb"].name == "王政务"
    assert (users["police"].role, users["police"].unit_name) == ("UNIT", "市公安局")
    assert {u.role for u in users.values()} == {"ZWB", "WX", "FG", "GX", "CZ", "SJ", "LG", "LGO", "UNIT", "BM", "JL",
                                                "ARCH", "TP"}
    assert all(u.name and u.name != u.username for u in users.values())


def test_login_returns_token_user_and_a_strict_httponly_cookie(client, database):
    response = client.post("/api/auth/login", json={"username": "wx", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {"username": "wx", "name": "李网安", "role": "WX", "role_zh": "网信",
                            "unit_id": "wx", "unit_name": "市委网信办"}
    assert body["expires_at"] == "2026-03-02T10:00:00+08:00"  # FIXED_NOW + TTL
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"itpm_session={body['token']};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert response.headers["Cache-Control"] == "no-store"
    # Only the digest of the token is kept.
    engine = make_engine(database)
    with Session(engine) as session:
        rows = list(session.scalars(select(UserSession)))
    engine.dispose()
    assert [r.token_hash for r in rows] == [hashlib.sha256(body["token"].encode()).hexdigest()]
    assert len(body["token"]) >= 43


def test_login_failure_does_not_say_which_part_was_wrong(client):
    wrong_password = client.post("/api/auth/login", json={"username": "wx", "password": "nope"})
    unknown_user = client.post("/api/auth/login", json={"username": "nobody", "password": DEMO_PASSWORD})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json()
    body = wrong_password.get_json()
    assert body["code"] == "AUTH-LOGIN-FAILED" and body["refused"] is True
    assert "用户名或密码" in body["reason_zh"]
    assert "Set-Cookie" not in wrong_password.headers


def test_failed_logins_are_in_the_audit_chain(client, tx_provider):
    client.post("/api/auth/login", json={"username": "wx", "password": "nope"})
    audit = tx_provider.tables.audit_log
    with tx_provider.get_dependency(None).read() as session:
        rows = session.execute(select(audit.c.action, audit.c.outcome, audit.c.code)).all()
    assert ("login", "REFUSED", "AUTH-LOGIN-FAILED") in rows


def test_login_validates_its_body(client):
    response = client.post("/api/auth/login", json={"username": "wx"})
    assert response.status_code == 400
    assert response.get_json()["details"]["fields"] == {"password": ["必填项缺失"]}


def test_session_expires_after_the_ttl(client, login_as, clock, config):
    headers = login_as("police")
    clock.advance(timedelta(seconds=config["SESSION_TTL_SECONDS"] - 1))
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == "AUTH-UNAUTHENTICATED"


def test_me_accepts_bearer_or_cookie(client):
    token = client.post("/api/auth/login", json={"username": "edu", "password": DEMO_PASSWORD}).get_json()["token"]
    by_cookie = client.get("/api/auth/me")  # the test client keeps the cookie
    assert by_cookie.status_code == 200
    assert by_cookie.get_json()["user"]["unit_name"] == "市教育局"
    client.delete_cookie("itpm_session")
    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_logout_revokes_the_session(client, login_as):
    headers = login_as("cz")
    response = client.post("/api/auth/logout", headers=headers)
    assert response.status_code == 200 and response.get_json() == {"logged_out": True}
    assert "itpm_session=;" in response.headers["Set-Cookie"]
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.post("/api/auth/logout", headers=headers).get_json() == {"logged_out": False}


def test_protected_routes_refuse_without_a_session_and_call_nothing(client, fakes):
    for path in ("/api/projects", "/api/projects/p1", "/api/projects/p1/timeline", "/api/reviews",
                 "/api/projects/p1/review"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.get_json()["code"] == "AUTH-UNAUTHENTICATED"
    response = client.post("/api/plan-applications", json={}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 401
    assert all(not fake.calls for fake in fakes.values())


def _login(client, username="wx", password=DEMO_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_too_many_failures_in_a_row_lock_the_name_even_for_the_right_password(client, clock):
    for _ in range(auth.MAX_LOGIN_FAILURES - 1):
        assert _login(client, password="nope").status_code == 401
    assert _login(client).status_code == 200, "below the limit the right password still works"
    for _ in range(auth.MAX_LOGIN_FAILURES):
        assert _login(client, password="nope").status_code == 401
    locked = _login(client)
    assert locked.status_code == 429
    body = locked.get_json()
    assert body["code"] == "AUTH-LOCKED" and "锁定" in body["reason_zh"]
    assert body["details"]["retry_after_minutes"] == 15
    assert "Set-Cookie" not in locked.headers
    clock.advance(auth.LOCK_PERIOD + timedelta(seconds=1))
    assert _login(client).status_code == 200
    assert _login(client, password="nope").status_code == 401, "the count starts again after a success"


def test_failures_spread_beyond_the_window_do_not_lock(client, clock):
    for _ in range(auth.MAX_LOGIN_FAILURES - 1):
        _login(client, password="nope")
    clock.advance(auth.FAILURE_WINDOW + timedelta(seconds=1))
    for _ in range(auth.MAX_LOGIN_FAILURES - 1):
        assert _login(client, password="nope").status_code == 401
    assert _login(client).status_code == 200


def test_unknown_names_are_locked_like_known_ones(client):
    for _ in range(auth.MAX_LOGIN_FAILURES):
        _login(client, username="nobody", password="nope")
    assert _login(client, username="nobody", password="nope").status_code == 429
    assert _login(client, username="fg").status_code == 200, "other names are unaffected"
