"""`flask --app planner users create` adds a staff login."""

import pytest
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


@pytest.mark.parametrize(
    ("address", "domain"),
    [
        ("admin@bochum.test", "bochum.test"),
        ("admin@stadt.local", "stadt.local"),
        ("Admin@Mail.Bochum.INVALID", "mail.bochum.invalid"),
        ("admin@localhost", "localhost"),
    ],
    ids=["test", "local", "invalid-upper-case", "localhost"],
)
def test_users_create_explains_a_special_use_domain_in_the_shells_language(runner, address, domain):
    args = ["users", "create", "--email", address, "--name", "Admin",
            "--org", "Bochum", "--role", "admin"]  # fmt: skip
    german = runner.invoke(args=args, input="lang-genug-geheim\n", env={"LANG": "de_DE.UTF-8"})
    english = runner.invoke(args=args, input="lang-genug-geheim\n")

    assert german.exit_code == english.exit_code == 1
    assert (
        f"email: An eine Adresse bei „{domain}“ kann keine E-Mail zugestellt werden: "
        "Das ist eine Domain für besondere Zwecke wie .test, .invalid oder .local. "
        "Bitte geben Sie eine Adresse bei einer echten Domain an, zum Beispiel "
        "name@bochum.de." in " ".join(german.output.split())
    )
    assert (
        f"email: No e-mail can reach an address at “{domain}”: it is a special-use domain "
        "such as .test, .invalid or .local. Please enter an address at a real domain, for "
        "example name@bochum.de." in " ".join(english.output.split())
    )
    assert db.session.scalars(select(User)).all() == []
