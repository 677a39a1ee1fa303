"""Admins manage the logins of their own organisation."""

from sqlalchemy import select
from werkzeug.security import check_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import User
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import page_text

NEW_PASSWORD = "ein-ganz-neues-passwort"


def _admin(login):
    admin = factories.user(factories.organisation("Bochum"), Role.ADMIN, name="Anna Admin")
    login(admin)
    return admin


def test_admin_lists_only_the_logins_of_its_own_organisation(client, login):
    admin = _admin(login)
    factories.user(admin.organisation, Role.VIEWER, name="Bernd Bochum")
    factories.user(factories.organisation("Wuppertal"), Role.ADMIN, name="Wilma Wuppertal")
    db.session.commit()

    text = page_text(client.get("/admin/users"))

    assert "Anmeldungen: Bochum" in text
    assert "Bernd Bochum" in text
    assert "Wilma Wuppertal" not in text


def test_admin_creates_a_login_in_its_own_organisation(client, login):
    admin = _admin(login)
    form = {"email": "Neu@Bochum.example", "name": "Nina Neu", "role": "host",
            "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip

    response = client.post("/admin/users/new", data=form)

    assert response.headers["Location"] == "/admin/users"
    created = db.session.scalar(select(User).where(User.email == "neu@bochum.example"))
    assert (created.name, created.role, created.organisation_id) == (
        "Nina Neu",
        Role.HOST,
        admin.organisation_id,
    )
    assert "Die Anmeldung neu@bochum.example wurde angelegt." in page_text(
        client.get("/admin/users")
    )


def test_new_login_form_explains_each_problem_at_its_field(client, login):
    admin = _admin(login)
    form = {"email": admin.email, "name": "", "role": "viewer",
            "password": "kurz", "password_again": "anders"}  # fmt: skip

    response = client.post("/admin/users/new", data=form)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert 'id="name-error">Bitte geben Sie einen Namen ein.' in page
    assert 'id="password-error">Das Passwort muss mindestens 12 Zeichen lang sein.' in page
    assert 'id="password_again-error">Die beiden Passwörter stimmen nicht überein.' in page
    assert 'aria-describedby="password-hint password-error"' in page
    assert db.session.scalars(select(User.email)).all() == [admin.email]


def test_new_login_with_a_taken_address_is_refused_at_the_field(client, login):
    admin = _admin(login)
    form = {"email": admin.email.upper(), "name": "Doppelt", "role": "viewer",
            "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip
    page = client.post("/admin/users/new", data=form).get_data(as_text=True)
    assert f'id="email-error">Eine Anmeldung mit der E-Mail-Adresse {admin.email}' in page
    assert len(db.session.scalars(select(User)).all()) == 1


def test_deactivating_a_login_ends_its_open_session(app, client, login):
    admin = _admin(login)
    colleague = factories.user(admin.organisation, Role.PLANNER, name="Carla Kollegin")
    db.session.commit()
    opened_at = str(colleague.lock_version)
    colleague_client = app.test_client()
    colleague_client.post("/login", data={"email": colleague.email, "password": PASSWORD})
    assert colleague_client.get("/").status_code == 200

    # Logging in is no edit: the form opened before it is still current.
    response = client.post(
        f"/admin/users/{colleague.id}",
        data={"name": "Carla Kollegin", "role": "planner", "lock_version": opened_at},
    )

    assert response.status_code == 302
    assert colleague_client.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, colleague.id).active is False


def test_admin_changes_a_role(client, login):
    admin = _admin(login)
    colleague = factories.user(admin.organisation, Role.VIEWER)
    db.session.commit()
    client.post(
        f"/admin/users/{colleague.id}",
        data={"name": "Carla", "role": "planner", "active": "y", "lock_version": "1"},
    )
    db.session.expire_all()
    changed = db.session.get(User, colleague.id)
    assert (changed.name, changed.role, changed.active) == ("Carla", Role.PLANNER, True)


def test_admin_cannot_lock_itself_out(client, login):
    admin = _admin(login)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"name": admin.name, "role": "viewer", "lock_version": str(admin.lock_version)},
    )
    assert "Sie können sich nicht selbst die Administrationsrechte entziehen." in page_text(
        response
    )
    db.session.expire_all()
    assert (db.session.get(User, admin.id).role, db.session.get(User, admin.id).active) == (
        Role.ADMIN,
        True,
    )


def test_password_reset_sets_the_new_password_and_ends_sessions(app, client, login):
    admin = _admin(login)
    colleague = factories.user(admin.organisation, Role.PLANNER)
    db.session.commit()
    colleague_client = app.test_client()
    colleague_client.post("/login", data={"email": colleague.email, "password": PASSWORD})

    response = client.post(
        f"/admin/users/{colleague.id}/password",
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert colleague_client.get("/").status_code == 302
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, colleague.id).password_hash, NEW_PASSWORD)


def test_password_reset_refuses_a_short_password(client, login):
    admin = _admin(login)
    colleague = factories.user(admin.organisation, Role.PLANNER)
    db.session.commit()
    old_hash = colleague.password_hash
    response = client.post(
        f"/admin/users/{colleague.id}/password", data={"password": "kurz", "password_again": "kurz"}
    )
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, colleague.id).password_hash == old_hash


def test_admin_of_another_city_cannot_touch_a_login(client, login):
    victim = factories.user(factories.organisation("Wuppertal"), Role.ADMIN)
    _admin(login)
    old_hash = victim.password_hash

    assert client.get(f"/admin/users/{victim.id}").status_code == 404
    response = client.post(
        f"/admin/users/{victim.id}/password",
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, victim.id).password_hash == old_hash
