"""`/healthz` tells monitoring whether the app and its database answer."""

from tests.conftest import make_app


def test_healthz_answers_with_the_database_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
