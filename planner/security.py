"""Security baseline: login sessions, cookies, response headers and login throttling."""

import time
from datetime import timedelta

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse as parse_limit
from werkzeug.middleware.proxy_fix import ProxyFix

from planner.database import write_intent
from planner.extensions import db, login
from planner.forms.auth import LoginForm
from planner.services.audit import set_actor
from planner.services.auth import load_session_user
from planner.services.login_throttle import LoginThrottle

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def init_security(app: Flask) -> None:
    """Configure cookies, Flask-Login, security headers and login throttling."""
    secure = _truthy(app.config["SECURE_COOKIES"])
    lifetime = timedelta(minutes=int(app.config["SESSION_LIFETIME_MINUTES"]))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=lifetime,
    )

    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = _l("Please log in to see this page.")
    login.session_protection = "basic"
    login.user_loader(load_session_user)

    @app.before_request
    def name_the_actor() -> None:
        write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))
        set_actor(db.session, current_user.id if current_user.is_authenticated else None)

    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if current_user.is_authenticated:
            # Pages of logged-in staff hold personal data: no shared or stored copies.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        # Behind a reverse proxy the client's address comes from X-Forwarded-For; without
        # this every client would share the proxy's address and its throttle.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_login_throttle(app)


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _init_login_throttle(app: Flask) -> None:
    """Slow down guessing: count failed logins per client address and per account.

    A client address that failed too often is refused outright. An account that failed
    too often makes further tries wait longer and longer, but only from addresses that
    failed themselves (``LoginThrottle``), so its owner can still log in from elsewhere.
    """
    prefix = app.config.get("RATELIMIT_KEY_PREFIX", "planner")
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        strategy="moving-window",
        key_prefix=prefix,
        # Its headers would state the address limit's window on every answer, and
        # override the account's wait: the refusals below set Retry-After themselves.
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.view_functions["auth.login"] = limiter.limit(
        app.config["LOGIN_LIMIT_PER_ADDRESS"],
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_login_failed,
        scope="login-address",
    )(app.view_functions["auth.login"])
    app.extensions["login_limiter"] = limiter
    per_account = parse_limit(app.config["LOGIN_LIMIT_PER_ACCOUNT"])
    app.extensions["login_throttle"] = LoginThrottle(
        storage=limiter.storage,
        prefix=prefix,
        budget=per_account.amount,
        window=per_account.get_expiry(),
        base_delay=int(app.config["LOGIN_DELAY_SECONDS"]),
    )

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(error: RateLimitExceeded):
        limit = limiter.current_limit
        wait = max(1, int(limit.reset_at - time.time())) if limit else 60
        return (
            render_template(
                "auth/login.html",
                form=LoginForm(),
                error=_l(
                    "Too many failed login attempts. Please wait a few minutes and try again."
                ),
            ),
            429,
            {"Retry-After": str(wait)},
        )
