"""The account page's personal API tokens: made, listed and revoked."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.api_tokens import ApiTokenForm
from planner.forms.confirm import ConfirmForm
from planner.models import ApiToken
from planner.services.api_tokens import create_token, revoke, tokens_of
from planner.services.errors import InvalidInput
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("api_tokens", __name__)


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@permission_required("login")
def index():
    """List the user's tokens and make a new one, shown once."""
    form = ApiTokenForm()
    made = None
    if form.validate_on_submit():
        try:
            token, text = create_token(
                current_user, form.name.data, form.scope.data, form.days.data
            )
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            # Shown in this answer only: never in a flash message, which a cookie carries.
            made = (token, text)
            form = ApiTokenForm(formdata=None)
    return render_template(
        "account/api_tokens.html", form=form, tokens=tokens_of(current_user), made=made
    )


@bp.route("/account/api-tokens/<id:api_token_id>/revoke", methods=["GET", "POST"])
@permission_required("api_token.revoke")
def revoke_token(api_token: ApiToken):
    """Revoke a token after confirmation; scripts using it are refused from then on."""
    form = ConfirmForm()
    if form.confirmed():
        revoke(api_token)
        db.session.commit()
        flash(_("The token “%(name)s” has been revoked.", name=api_token.name), "success")
        return redirect(url_for("api_tokens.index"))
    return render_template("account/revoke_api_token.html", form=form, token=api_token)
