"""The package works as installed: `pip install .` gives the same app as `make run`."""

import os
import subprocess
import sys
import venv
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "planner" / "translations"


def _plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _entries(catalogue) -> dict:
    return {
        (message.context, _plain(message.id)): _plain(message.string)
        for message in catalogue
        if message.id and not message.fuzzy
    }  # fmt: skip


def test_the_compiled_german_catalogue_matches_its_source():
    with (CATALOGUES / "de/LC_MESSAGES/messages.po").open("rb") as handle:
        source = _entries(read_po(handle))
    with (CATALOGUES / "de/LC_MESSAGES/messages.mo").open("rb") as handle:
        compiled = _entries(read_mo(handle))

    assert compiled == source, "run `make translations` and commit messages.mo"


def test_an_installed_package_serves_the_german_login_page(tmp_path):
    # As the README's production section installs it: a fresh virtual environment and
    # `pip install .`, then the app run from a folder that is not the checkout.
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "run"
    workdir.mkdir()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PLANNER_")},
        "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
        "PLANNER_SECRET_KEY": "packaging-test",
    }
    flask = tmp_path / "venv" / "bin" / "flask"
    subprocess.run([flask, "--app", "planner", "db", "upgrade"], cwd=workdir, env=env,
                   check=True, capture_output=True)  # fmt: skip
    script = (
        "import planner\n"
        "from planner import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "print(planner.__file__)\n"
        "print(client.get('/login').get_data(as_text=True))\n"
        "print(client.get('/login?lang=en').get_data(as_text=True))\n"
        "print('static', client.get('/static/css/screen.css').status_code)\n"
    )
    result = subprocess.run([python, "-c", script], cwd=workdir, env=env, check=True,
                            capture_output=True, text=True)  # fmt: skip

    location, *_ = result.stdout.splitlines()
    assert location.startswith(str(tmp_path / "venv")), "the checkout's package was used"
    assert ">Passwort<" in result.stdout
    assert ">Password<" in result.stdout
    assert "static 200" in result.stdout
    assert sys.version_info >= (3, 11)
