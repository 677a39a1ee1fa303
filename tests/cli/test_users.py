"""`flask --app planner users create` adds a staff login."""

from sqlalchemy import select
from werkzeug.security import check_password_hash

from planner.enums import Role
from planner.extensions import db
from planner.models import Organisation, User

ARGS = ["users", "create", "--email", "Lena.Hoffmann@Bochum.example", "--name", "Lena Hoffmann"]


def test_users_create_reads_the_password_from_standard_input(runner):
    result = runner.invoke(
        args=[*ARGS, "--org", "Bochum", "--role", "planner"], input="lang-genug-geheim\n"
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "lena.hoffmann@bochum.example"
    assert user.role == Role.PLANNER
    assert user.organisation.name == "Bochum"
    assert user.password_hash != "lang-genug-geheim"
    assert check_password_hash(user.password_hash, "lang-genug-geheim")


def test_users_create_reuses_an_existing_organisation(runner):
    db.session.add(Organisation(name="Bochum"))
    db.session.commit()
    runner.invoke(args=[*ARGS, "--org", "Bochum", "--role", "admin"], input="lang-genug-geheim\n")
    assert db.session.scalars(select(Organisation.name)).all() == ["Bochum"]


def test_users_create_refuses_a_short_password_and_saves_nothing(runner):
    result = runner.invoke(args=[*ARGS, "--org", "Bochum", "--role", "admin"], input="kurz\n")

    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert db.session.scalars(select(User)).all() == []
    assert db.session.scalars(select(Organisation)).all() == []


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=[*ARGS, "--org", "Bochum", "--role", "mayor"], input="x" * 20)
    assert result.exit_code == 2
    assert "'mayor' is not one of 'admin', 'planner', 'host', 'viewer'" in result.output


def test_users_create_refuses_a_second_login_with_the_same_address(runner):
    runner.invoke(args=[*ARGS, "--org", "Bochum", "--role", "admin"], input="lang-genug-geheim\n")
    result = runner.invoke(
        args=["users", "create", "--email", "lena.hoffmann@bochum.example", "--name", "L. H.",
              "--org", "Wuppertal", "--role", "viewer"],
        input="lang-genug-geheim\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert db.session.scalars(select(Organisation.name)).all() == ["Bochum"]


def test_users_create_refuses_an_invalid_address(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "lena at bochum", "--name", "Lena",
              "--org", "Bochum", "--role", "admin"],
        input="lang-genug-geheim\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "email:" in result.output
    assert db.session.scalars(select(User)).all() == []
