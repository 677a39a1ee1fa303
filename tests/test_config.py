"""Configuration comes from the instance folder and PLANNER_* variables; no secret is fixed."""

import pytest

from planner import create_app


@pytest.fixture
def clean_environment(monkeypatch):
    """Remove PLANNER_* variables of the machine running the tests."""
    import os

    for key in list(os.environ):
        if key.startswith("PLANNER_"):
            monkeypatch.delenv(key)
    return monkeypatch


def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path, clean_environment):
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    stored = (tmp_path / "secret_key").read_text().strip()

    assert len(stored) == 64
    assert first.config["SECRET_KEY"] == stored == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_another_instance_gets_another_secret_key(tmp_path, clean_environment):
    one = create_app({"INSTANCE_PATH": str(tmp_path / "one")})
    two = create_app({"INSTANCE_PATH": str(tmp_path / "two")})
    assert one.config["SECRET_KEY"] != two.config["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, clean_environment):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'planner.db'}"


def test_environment_overrides_the_instance_config_file(tmp_path, clean_environment):
    (tmp_path / "config.py").write_text(
        'ICAL_DOMAIN = "from-file.example"\nSMTP_HOST = "mail.from-file.example"\n'
    )
    clean_environment.setenv("PLANNER_SMTP_HOST", "relay.from-env.example")
    clean_environment.setenv("PLANNER_SMTP_PORT", "2525")
    clean_environment.setenv("PLANNER_SECRET_KEY", "123456")
    clean_environment.setenv("PLANNER_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["ICAL_DOMAIN"] == "from-file.example"
    assert app.config["SMTP_HOST"] == "relay.from-env.example"
    assert app.config["SMTP_PORT"] == 2525
    assert app.config["SECRET_KEY"] == "123456"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "x.db")
    assert not (tmp_path / "secret_key").exists()


def test_unknown_smtp_security_is_refused_at_start(tmp_path, clean_environment):
    clean_environment.setenv("PLANNER_SMTP_SECURITY", "tls")
    with pytest.raises(ValueError, match="PLANNER_SMTP_SECURITY must be one of none, starttls"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_templates_and_static_files_come_from_the_top_level_folders(tmp_path, clean_environment):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    response = app.test_client().get("/static/css/screen.css")
    assert response.status_code == 200
    assert b"WCAG" in response.data
    response.close()


def test_imap_settings_have_safe_defaults(tmp_path, clean_environment):
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config

    assert {key: config[key] for key in config if key.startswith("IMAP_")} == {
        "IMAP_HOST": "",
        "IMAP_PORT": 993,
        "IMAP_SECURITY": "ssl",
        "IMAP_USER": "",
        "IMAP_PASSWORD": "",
        "IMAP_FOLDER": "INBOX",
        "IMAP_DONE_FOLDER": "Planner/Processed",
        "IMAP_UNREADABLE_FOLDER": "Planner/Unreadable",
        "IMAP_TIMEOUT": 30,
        "IMAP_MAX_MESSAGES": 100,
        "IMAP_LOOP_SECONDS": 60,
    }
    assert config["MAIL_MAX_BYTES"] == 2_000_000


def test_imap_settings_come_from_the_environment(tmp_path, clean_environment):
    for name, value in {
        "HOST": "imap.bochum.example",
        "PORT": "1143",
        "SECURITY": "starttls",
        "USER": "protokoll",
        "PASSWORD": "secret",
        "FOLDER": "Antworten",
    }.items():
        clean_environment.setenv(f"PLANNER_IMAP_{name}", value)

    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config

    assert config["IMAP_HOST"] == "imap.bochum.example"
    assert config["IMAP_PORT"] == 1143
    assert config["IMAP_SECURITY"] == "starttls"
    assert (config["IMAP_USER"], config["IMAP_PASSWORD"]) == ("protokoll", "secret")
    assert config["IMAP_FOLDER"] == "Antworten"


@pytest.mark.parametrize(
    ("security", "port"), [("ssl", 993), ("starttls", 143), ("none", 143)], ids=str
)
def test_the_imap_port_follows_the_security_unless_given(
    tmp_path, clean_environment, security, port
):
    clean_environment.setenv("PLANNER_IMAP_SECURITY", security)
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["IMAP_PORT"] == port


def test_unknown_imap_security_is_refused_at_start(tmp_path, clean_environment):
    clean_environment.setenv("PLANNER_IMAP_SECURITY", "tls")
    with pytest.raises(ValueError, match="PLANNER_IMAP_SECURITY must be one of none, starttls"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
