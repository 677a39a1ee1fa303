"""Security baseline: login sessions, cookies, response headers and login throttling."""

from datetime import timedelta

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from planner.database import write_intent
from planner.extensions import db, login
from planner.forms.auth import LoginForm
from planner.services.audit import set_actor
from planner.services.auth import load_session_user

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


def _account_key() -> str:
    email = request.form.get("email")
    if email is None and request.is_json:
        data = request.get_json(silent=True)
        email = data.get("email") if isinstance(data, dict) else None
    return "account:" + (email.strip().lower() if isinstance(email, str) else "")


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _init_login_throttle(app: Flask) -> None:
    """Slow down guessing: count failed logins per account and per client address."""
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        strategy="moving-window",
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "planner"),
        headers_enabled=True,
    )
    limiter.init_app(app)
    view = app.view_functions["auth.login"]
    for limit, key_func, scope in (
        (app.config["LOGIN_LIMIT_PER_ACCOUNT"], _account_key, "account"),
        (app.config["LOGIN_LIMIT_PER_ADDRESS"], get_remote_address, "address"),
    ):
        view = limiter.limit(
            limit,
            key_func=key_func,
            methods=["POST"],
            deduct_when=_login_failed,
            scope=f"login-{scope}",
        )(view)
    app.view_functions["auth.login"] = view
    app.extensions["login_limiter"] = limiter

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(error: RateLimitExceeded):
        return (
            render_template(
                "auth/login.html",
                form=LoginForm(),
                error=_l(
                    "Too many failed login attempts. Please wait a few minutes and try again."
                ),
            ),
            429,
        )
