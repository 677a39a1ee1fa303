"""Administration of the logins of the admin's own organisation, and its audit trail."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.admin import NewUserForm, PasswordForm, UserForm
from planner.forms.branding import BrandingForm
from planner.forms.history import HistoryFilterForm
from planner.models import User
from planner.services.accounts import organisation_users
from planner.services.auth import set_password, update_user
from planner.services.branding import set_colour, set_logo
from planner.services.errors import InvalidInput
from planner.services.history import organisation_history
from planner.services.locking import EditConflict, save_with_lock
from planner.services.users import create_user
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@permission_required("organisation.admin")
def users():
    """List the logins of the admin's organisation."""
    return render_template(
        "admin/users.html", users=organisation_users(current_user.organisation_id)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("organisation.admin")
def new_user():
    """Create a login in the admin's organisation."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                organisation=current_user.organisation.name,
                role=form.role.data,
                password=form.password.data,
            )
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The login %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@permission_required("user.manage")
def edit_user(user: User):
    """Change a login's name, role and whether it may be used, refusing to overwrite
    another admin's change."""
    form = UserForm(obj=user)
    others = None
    if form.validate_on_submit():
        try:
            save_with_lock(
                user,
                form.expected_version(),
                lambda: update_user(
                    current_user,
                    user,
                    name=form.name.data,
                    role=form.role.data,
                    active=form.active.data,
                ),
            )
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, user)
        except InvalidInput as error:
            db.session.rollback()
            form.role.errors.append(error.message)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/edit_user.html",
        user=user,
        form=form,
        password_form=PasswordForm(formdata=None),
        others=others,
    )


@bp.post("/users/<id:user_id>/password")
@permission_required("user.manage")
def reset_password(user: User):
    """Set a new password for a login and end its sessions."""
    password_form = PasswordForm()
    if password_form.validate_on_submit():
        set_password(user, password_form.password.data)
        db.session.commit()
        flash(_("The password of %(email)s has been reset.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/edit_user.html", user=user, form=UserForm(obj=user), password_form=password_form
    )


@bp.route("/branding", methods=["GET", "POST"])
@permission_required("organisation.admin")
def branding():
    """Set the logo and accent colour of the organisation's printouts, refusing to
    overwrite another admin's change."""
    organisation = current_user.organisation
    form = BrandingForm(obj=organisation)
    others = None
    if form.validate_on_submit():

        def change() -> None:
            set_colour(organisation, form.accent_colour.data)
            if form.remove_logo.data:
                organisation.logo, organisation.logo_mime = None, None
            elif form.logo.data:
                upload = form.logo.data
                try:
                    set_logo(organisation, upload.filename or "", upload.read(600_000))
                finally:
                    upload.close()  # large uploads are spooled to a temporary file

        try:
            save_with_lock(organisation, form.expected_version(), change)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            others = form.refusal(conflict, organisation)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The branding has been saved."), "success")
            return redirect(url_for("admin.branding"))
    return render_template(
        "admin/branding.html", form=form, organisation=organisation, others=others
    )


@bp.get("/audit")
@permission_required("organisation.admin")
def audit():
    """Tell what happened to the organisation's visits and people, newest first."""
    form = HistoryFilterForm(request.args)
    page = organisation_history(current_user.organisation, form.query(request.args.get("before")))
    form.offer(page)
    return render_template("admin/audit.html", page=page, form=form)
