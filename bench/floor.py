"""The floor page for load tests: `gunicorn floor:app` with FLOOR_DATABASE_URL set."""

import os

from run import floor_app

app = floor_app(os.environ["FLOOR_DATABASE_URL"])
