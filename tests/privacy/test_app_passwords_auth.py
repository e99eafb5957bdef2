"""The Subsonic side door, contained (AU-02, AU-05, AU-07, AU-11, R-5): what
``AppPasswordService.authenticate`` accepts (an app password as ``p``, ``p=enc:``,
``t`` + ``s`` or ``apiKey``) and refuses (the account password, a replayed salt, mixed
mechanisms), with the codes a Subsonic front end answers; failures in the web sign-in's
limiter buckets; every way an app password dies; and no credential in any log line.

Real SQLite catalogues; the one fake is the clock that the service takes as a parameter.
"""

import hashlib
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from parlour.domain.accounts import HOST, Role
from parlour.domain.errors import AuthenticationError, RateLimitedError
from parlour.services.accounts import AccountService
from parlour.services.app_passwords import (
    SALT_WINDOW_S,
    AppPasswordService,
    Failure,
    SubsonicAuthError,
)
from parlour.services.application import Parlour
from parlour.services.credentials import LoginLimiter
from parlour.storage import app_password_store, my_data_store
from parlour.storage import schema as s
from support import open_parlour

LOOPBACK = "127.0.0.1"
ELSEWHERE = "192.0.2.7"  # another machine on the network (TEST-NET-1)
PASSWORD = "dora-account-password"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Parlour]:
    parlour = open_parlour(tmp_path / "data")
    parlour.accounts.add_user(HOST, "dora", PASSWORD)
    parlour.accounts.add_user(HOST, "root", "root-account-password", admin=True)
    try:
        yield parlour
    finally:
        parlour.close()


def _secret(app: Parlour, user: str = "dora", label: str = "Phone") -> str:
    return app.app_passwords.create_for_user(HOST, user, label).secret


def _token(secret: str, salt: str) -> str:
    return hashlib.md5((secret + salt).encode()).hexdigest()


def _code(error: pytest.ExceptionInfo[SubsonicAuthError]) -> int:
    return int(error.value.failure)


def test_an_app_password_signs_in_as_p_enc_token_and_api_key(app: Parlour) -> None:
    secret = _secret(app)
    auth = app.app_passwords.authenticate
    assert auth("dora", password=secret, peer=LOOPBACK).name == "dora"
    assert auth("DORA", password="enc:" + secret.encode().hex(), peer=LOOPBACK).name == "dora"
    salt = secrets.token_hex(6)
    assert auth("dora", token=_token(secret, salt), salt=salt, peer=ELSEWHERE).name == "dora"
    upper = _token(secret, "another-salt").upper()  # clients differ in the hex case
    assert auth("dora", token=upper, salt="another-salt", peer=ELSEWHERE).name == "dora"
    assert auth(None, api_key=secret, peer=ELSEWHERE).name == "dora"
    # Over HTTPS p= works from anywhere; over plain HTTP only from this machine (AU-11).
    assert auth("dora", password=secret, peer=ELSEWHERE, secure=True).name == "dora"
    with pytest.raises(SubsonicAuthError) as refused:
        auth("dora", password=secret, peer=ELSEWHERE)
    assert _code(refused) == Failure.MECHANISM_NOT_SUPPORTED == 42


def test_the_account_password_never_signs_a_music_app_in(app: Parlour) -> None:
    _secret(app)
    auth = app.app_passwords.authenticate
    salt = "saltsalt"
    attempts = [
        {"password": PASSWORD},
        {"password": "enc:" + PASSWORD.encode().hex()},
        {"token": _token(PASSWORD, salt), "salt": salt},
    ]
    for attempt in attempts:
        with pytest.raises(SubsonicAuthError) as refused:
            auth("dora", peer=LOOPBACK, **attempt)  # type: ignore[arg-type]
        assert _code(refused) == Failure.WRONG_CREDENTIALS == 40
    with pytest.raises(SubsonicAuthError) as refused:
        auth(None, api_key=PASSWORD, peer=LOOPBACK)
    assert _code(refused) == Failure.INVALID_API_KEY == 44


def test_unknown_users_wrong_passwords_and_others_app_passwords_are_one_answer(
    app: Parlour,
) -> None:
    roots = _secret(app, "root")
    _secret(app)
    auth = app.app_passwords.authenticate
    answers = []
    for user, password in (("dora", roots), ("nobody", roots), ("dora", ""), ("dora", "enc:zz")):
        with pytest.raises(SubsonicAuthError) as refused:
            auth(user, password=password, peer=LOOPBACK)
        answers.append((int(refused.value.failure), str(refused.value)))
    assert set(answers) == {(40, "wrong user name or password")}
    with pytest.raises(SubsonicAuthError) as refused:
        auth("nobody", token=_token(roots, "saltsalt"), salt="saltsalt", peer=LOOPBACK)
    assert (_code(refused), str(refused.value)) == answers[0]


def test_missing_and_conflicting_parameters(app: Parlour) -> None:
    secret = _secret(app)
    auth = app.app_passwords.authenticate
    cases: list[tuple[dict[str, str | None], Failure]] = [
        ({"username": None}, Failure.MISSING_PARAMETER),
        ({"username": "dora"}, Failure.MISSING_PARAMETER),
        ({"username": "dora", "token": _token(secret, "saltsalt")}, Failure.MISSING_PARAMETER),
        ({"username": "dora", "salt": "saltsalt"}, Failure.MISSING_PARAMETER),
        ({"username": "dora", "api_key": secret}, Failure.CONFLICTING_MECHANISMS),
        ({"username": None, "api_key": secret, "password": secret}, Failure.CONFLICTING_MECHANISMS),
        (
            {"username": "dora", "password": secret, "token": "0" * 32, "salt": "saltsalt"},
            Failure.CONFLICTING_MECHANISMS,
        ),
    ]
    for given, failure in cases:
        username = given.pop("username")
        with pytest.raises(SubsonicAuthError) as refused:
            auth(username, peer=LOOPBACK, **given)  # type: ignore[arg-type]
        assert refused.value.failure is failure, given
    assert [int(f) for f in Failure] == [10, 40, 42, 43, 44]


def test_a_salt_is_at_least_six_characters_and_never_used_twice_in_a_day(
    app: Parlour,
) -> None:
    secret = _secret(app)
    now = [1_900_000_000]
    service = AppPasswordService(app.catalogue, app.accounts, clock=lambda: now[0])
    auth = service.authenticate
    with pytest.raises(SubsonicAuthError):
        auth("dora", token=_token(secret, "short"), salt="short", peer=LOOPBACK)
    salt = "c19b2d"
    assert auth("dora", token=_token(secret, salt), salt=salt, peer=LOOPBACK).name == "dora"
    now[0] += SALT_WINDOW_S - 1
    with pytest.raises(SubsonicAuthError) as replayed:
        auth("dora", token=_token(secret, salt), salt=salt, peer=LOOPBACK)
    assert _code(replayed) == 40
    # The same salt is no replay for another user, nor for this one a day later.
    roots = _secret(app, "root")
    assert auth("root", token=_token(roots, salt), salt=salt, peer=LOOPBACK).name == "root"
    now[0] += 1
    assert auth("dora", token=_token(secret, salt), salt=salt, peer=LOOPBACK).name == "dora"
    # A wrong token records nothing: its salt stays usable.
    fresh = "f7e6d5c4"
    with pytest.raises(SubsonicAuthError):
        auth("dora", token="0" * 32, salt=fresh, peer=LOOPBACK)
    assert auth("dora", token=_token(secret, fresh), salt=fresh, peer=LOOPBACK).name == "dora"


def test_retention_forgets_salts_after_a_day_and_keeps_newer_ones(app: Parlour) -> None:
    secret = _secret(app)
    now = [1_900_000_000]
    service = AppPasswordService(app.catalogue, app.accounts, clock=lambda: now[0])
    service.authenticate("dora", token=_token(secret, "old-salt"), salt="old-salt", peer=LOOPBACK)
    now[0] += SALT_WINDOW_S + 1
    service.authenticate("dora", token=_token(secret, "new-salt"), salt="new-salt", peer=LOOPBACK)
    dora = app.accounts.list_users(HOST)[0]
    assert dora.name == "dora"
    assert service.flush_salts() == 2  # recorded together, within a second while serving
    app.my_data.clock = lambda: now[0]
    app.my_data.apply_retention()
    with app.catalogue.reading() as conn:
        kept = app_password_store.exported_salts(conn, dora.id)
    assert kept == [{"seen_at": now[0]}]


def test_last_use_is_written_at_most_once_a_minute(app: Parlour) -> None:
    secret = _secret(app)
    now = [1_900_000_000]
    service = AppPasswordService(app.catalogue, app.accounts, clock=lambda: now[0])
    service.authenticate("dora", password=secret, peer=LOOPBACK)
    dora = app.accounts.list_users(HOST)[0]
    assert [i.last_used_at for i in service.list_for_user(HOST, "dora")] == [now[0]]
    first = now[0]
    now[0] += 59
    service.authenticate("dora", password=secret, peer=LOOPBACK)
    assert [i.last_used_at for i in service.list_for_user(HOST, "dora")] == [first]
    now[0] += 1
    service.authenticate(None, api_key=secret, peer=LOOPBACK)
    assert [i.last_used_at for i in service.list_for_user(HOST, dora.id)] == [now[0]]


def test_an_admins_app_password_is_a_plain_users_that_sees_every_library(
    app: Parlour, tmp_path: Path
) -> None:
    (tmp_path / "music").mkdir()
    library = app.libraries.add(HOST, "music", str(tmp_path / "music"), "Music")
    viewer = app.app_passwords.authenticate(None, api_key=_secret(app, "root"), peer=LOOPBACK)
    assert viewer.role is Role.USER and not viewer.is_admin  # read, stream, scrobble: AU-11
    assert viewer.may_see(library.id)
    assert app.app_passwords.authenticate(
        None, api_key=_secret(app), peer=LOOPBACK
    ).library_ids == (frozenset())


def _dead(app: Parlour, secret: str) -> bool:
    try:
        app.app_passwords.authenticate(None, api_key=secret, peer=LOOPBACK)
    except AuthenticationError:
        return True
    return False


def test_revoking_one_kills_it_at_once_and_leaves_the_others(app: Parlour) -> None:
    phone, laptop = _secret(app, label="Phone"), _secret(app, label="Laptop")
    assert not _dead(app, phone)  # now in the half-second memory of checked credentials
    rows = app.app_passwords.list_for_user(HOST, "dora")
    phone_id = next(row.id for row in rows if row.label == "Phone")
    app.app_passwords.revoke_for_user(HOST, "dora", phone_id)
    assert _dead(app, phone) and not _dead(app, laptop)


@pytest.mark.parametrize("how", ["password change", "disable", "erase devices", "delete account"])
def test_app_passwords_die_with_the_account_s_sign_ins(app: Parlour, how: str) -> None:
    secret = _secret(app)
    assert not _dead(app, secret)
    dora = app.accounts.list_users(HOST)[0]
    if how == "password change":
        app.accounts.change_password(HOST, "dora", "a-new-account-password")
    elif how == "disable":
        app.accounts.set_disabled(HOST, "dora", True)
    elif how == "erase devices":
        erased = app.my_data.erase_user_category(HOST, "dora", "devices")
        assert erased["rows"] >= 1 and "app password" in erased["erased"]
    else:
        app.my_data.delete_user(HOST, "dora")
    assert _dead(app, secret)
    with app.catalogue.reading() as conn:
        for table in ("app_passwords", "subsonic_salts"):
            assert my_data_store.owned_rows(conn, table, dora.id) == [], table
    if how == "disable":  # enabled again, the old app passwords stay dead
        app.accounts.set_disabled(HOST, "dora", False)
        assert _dead(app, secret)


def test_subsonic_failures_share_the_web_sign_ins_limiter_buckets(app: Parlour) -> None:
    """AU-02: five wrong web passwords and five wrong Subsonic tokens from one address
    lock that account there, for the web and for music apps; elsewhere both still work."""
    secret = _secret(app)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            app.accounts.login("dora", "wrong-password", ELSEWHERE)
    for n in range(5):
        with pytest.raises(SubsonicAuthError):
            app.app_passwords.authenticate(
                "dora", token="0" * 32, salt=f"salt-{n:04}", peer=ELSEWHERE
            )
    with pytest.raises(RateLimitedError):
        app.accounts.login("dora", PASSWORD, ELSEWHERE)
    salt = "locked-out-salt"
    with pytest.raises(RateLimitedError):
        app.app_passwords.authenticate(
            "dora", token=_token(secret, salt), salt=salt, peer=ELSEWHERE
        )
    with pytest.raises(RateLimitedError):  # the api key's owner is the locked account
        app.app_passwords.authenticate(None, api_key=secret, peer=ELSEWHERE)
    assert app.app_passwords.authenticate("dora", password=secret, peer=LOOPBACK).name == "dora"
    assert app.accounts.login("dora", PASSWORD, LOOPBACK)[1].name == "dora"


def test_guessing_api_keys_is_limited_and_counts_in_the_addresss_bucket(app: Parlour) -> None:
    """Ten wrong api keys from one address hold that address back for api keys; the same
    failures count in the address's bucket that web sign-ins fill too (here a bucket of
    twelve, so that two wrong web passwords fill it)."""
    accounts = AccountService(app.catalogue, app.accounts.secrets, LoginLimiter(per_source=12))
    service = AppPasswordService(app.catalogue, accounts)
    secret = _secret(app)
    for _ in range(accounts.limiter.per_account):
        with pytest.raises(SubsonicAuthError):
            service.authenticate(None, api_key=secrets.token_hex(13), peer=ELSEWHERE)
    with pytest.raises(RateLimitedError):
        service.authenticate(None, api_key=secret, peer=ELSEWHERE)
    assert service.authenticate(None, api_key=secret, peer=LOOPBACK).name == "dora"
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            accounts.login("dora", "wrong-password", ELSEWHERE)
    with pytest.raises(RateLimitedError):  # another account, the same address: held back
        accounts.login("root", "root-account-password", ELSEWHERE)


def test_no_credential_salt_or_token_reaches_a_log_line(
    app: Parlour, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = _secret(app)
    wrong = "canary" + secrets.token_hex(10)
    salt = "canary-salt-" + secrets.token_hex(4)
    token = _token(secret, salt)
    auth = app.app_passwords.authenticate
    auth("dora", token=token, salt=salt, peer=ELSEWHERE)
    for attempt in (
        {"token": token, "salt": salt},  # replayed
        {"token": _token(wrong, salt + "x"), "salt": salt + "x"},
        {"password": wrong},
        {"password": "enc:" + wrong.encode().hex()},
    ):
        with pytest.raises(SubsonicAuthError):
            auth("dora", peer=LOOPBACK, **attempt)  # type: ignore[arg-type]
    with pytest.raises(SubsonicAuthError):
        auth(None, api_key=wrong, peer=ELSEWHERE)
    text = caplog.text
    assert "failed Subsonic sign-in from 192.0.2.0/24" in text  # the log was written
    assert ELSEWHERE not in text  # addresses by network only (P-12)
    for canary in (secret, wrong, salt, token, wrong.encode().hex(), PASSWORD):
        assert canary not in text


def test_a_ciphertext_moved_to_another_row_does_not_open(app: Parlour) -> None:
    """The row's id and user are bound into the encryption: a database edit that swaps
    ciphertexts makes neither password work by token (which needs the plaintext)."""
    dora_secret, root_secret = _secret(app), _secret(app, "root")
    users = {u.name: u.id for u in app.accounts.list_users(HOST)}
    with app.catalogue.writing() as conn:
        dora_row = app_password_store.sealed_of(conn, users["dora"])[0]
        root_row = app_password_store.sealed_of(conn, users["root"])[0]
        for row, other in ((dora_row, root_row), (root_row, dora_row)):
            conn.execute(
                update(s.app_passwords)
                .where(s.app_passwords.c.id == row.id)
                .values(nonce=other.nonce, ciphertext=other.ciphertext)
            )
    salt = "swapped-salt"
    for user, secret in (("dora", root_secret), ("root", dora_secret)):
        with pytest.raises(SubsonicAuthError):
            app.app_passwords.authenticate(
                user, token=_token(secret, salt), salt=salt, peer=LOOPBACK
            )


def _salts_of(app: Parlour, user: str = "dora") -> list[dict[str, int]]:
    info = next(u for u in app.accounts.list_users(HOST) if u.name == user)
    with app.catalogue.reading() as conn:
        return app_password_store.exported_salts(conn, info.id)


def test_salts_are_recorded_together_and_a_replay_is_refused_before_and_after(
    tmp_path: Path,
) -> None:
    """Salts wait in memory and are recorded in batches: a replay is refused while its
    salt waits, once it is recorded, and by the next process (closing records the last)."""
    first = open_parlour(tmp_path / "data")
    first.accounts.add_user(HOST, "dora", PASSWORD)
    secret = _secret(first)
    auth = first.app_passwords.authenticate
    for salt in ("a1b2c3", "d4e5f6"):
        assert auth("dora", token=_token(secret, salt), salt=salt, peer=LOOPBACK).name == "dora"
    assert _salts_of(first) == []  # waiting, not written yet
    with pytest.raises(SubsonicAuthError):
        auth("dora", token=_token(secret, "a1b2c3"), salt="a1b2c3", peer=LOOPBACK)
    assert first.app_passwords.flush_salts() == 2
    assert len(_salts_of(first)) == 2
    with pytest.raises(SubsonicAuthError):  # recorded, and no longer in waiting
        auth("dora", token=_token(secret, "d4e5f6"), salt="d4e5f6", peer=LOOPBACK)
    assert auth("dora", token=_token(secret, "0a9b8c"), salt="0a9b8c", peer=LOOPBACK)
    first.close()  # records the salt still waiting

    second = open_parlour(tmp_path / "data")
    try:
        assert len(_salts_of(second)) == 3
        for salt in ("a1b2c3", "0a9b8c"):
            with pytest.raises(SubsonicAuthError) as replayed:
                second.app_passwords.authenticate(
                    "dora", token=_token(secret, salt), salt=salt, peer=LOOPBACK
                )
            assert _code(replayed) == 40
    finally:
        second.close()


def test_a_waiting_salt_of_a_revoked_app_password_is_not_recorded(app: Parlour) -> None:
    secret = _secret(app)
    kept = _secret(app, label="Tablet")
    auth = app.app_passwords.authenticate
    assert auth("dora", token=_token(secret, "5a1t0ne"), salt="5a1t0ne", peer=LOOPBACK)
    assert auth("dora", token=_token(kept, "5a1t0two"), salt="5a1t0two", peer=LOOPBACK)
    phone = next(
        p
        for p in app.app_passwords.list_for_user(
            HOST,
            "dora",
        )
        if p.label == "Phone"
    )
    app.app_passwords.revoke_for_user(HOST, "dora", phone.id)
    assert app.app_passwords.flush_salts() == 2
    assert len(_salts_of(app)) == 1  # the tablet's: the revoked phone's is not written
