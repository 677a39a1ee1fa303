"""Visit requests: a guest city asks a host for a visit; both offices answer in turn."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.forms.requests import AcceptForm, DeclineForm, ProposeForm, RequestForm, WithdrawForm
from planner.forms.widgets import choices
from planner.i18n import current_language
from planner.models import Organisation, VisitRequest
from planner.services.errors import InvalidInput
from planner.services.locking import EditConflict
from planner.services.permissions import can_view_visit
from planner.services.requests import (
    NotYourTurn,
    RequestValues,
    accept,
    catalogue_of,
    create_request,
    decline,
    host_choices,
    language_names,
    options_by_round,
    propose,
    requests_of,
    side_of,
    steps_for,
    whose_turn,
    withdraw,
)
from planner.views.access import permission_required
from planner.views.navigation import show_error

bp = Blueprint("requests", __name__)


@bp.get("/requests")
@permission_required("login")
def index():
    """List the requests the user's organisation made or received."""
    return render_template("requests/index.html", requests=requests_of(current_user))


def _chosen_host(text: str | None) -> Organisation | None:
    """Return the host a form or link names, if the user's office may ask it."""
    text = (text or "").strip()
    if not (text.isdecimal() and len(text) < 10):
        return None
    host = db.session.get(Organisation, int(text))
    return host if host is not None and host.id != current_user.organisation_id else None


def _new_page(form: RequestForm, host: Organisation | None, status: int = 200,
              host_error: str | None = None):  # fmt: skip
    modules = catalogue_of(host.id) if host is not None else []
    form.modules.choices = choices(
        (module.id, module.title(current_language())) for module in modules
    )
    return (
        render_template(
            "requests/new.html",
            form=form,
            host=host,
            hosts=host_choices(current_user),
            modules=modules,
            host_error=host_error,
        ),
        status,
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@permission_required("request.create")
def new():
    """Ask a host for a visit: first choose the host, then fill in the request with
    wishes from its catalogue."""
    form = RequestForm()
    if request.method == "GET":
        host = _chosen_host(request.args.get("host"))
        if host is not None:
            form.host.data = str(host.id)
        return _new_page(form, host)
    host = _chosen_host(form.host.data)
    if host is None:
        return _new_page(form, None, 422, _("Choose another organisation as the host."))
    form.modules.choices = choices((module.id, "") for module in catalogue_of(host.id))
    if not form.validate_on_submit():
        return _new_page(form, host, 422)
    try:
        visit_request = create_request(current_user, _values(form, host))
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
        return _new_page(form, host, 422)
    flash(_("Your request has been sent to %(host)s.", host=host.name), "success")
    return redirect(url_for("requests.show", request_id=visit_request.id))


def _values(form: RequestForm, host: Organisation) -> RequestValues:
    return RequestValues(
        host_organisation_id=host.id,
        title=form.title.data or "",
        options=form.day_options(),
        delegation_size=form.delegation_size.data,
        purpose=form.purpose.data or "",
        head_of_delegation=form.head_of_delegation.data or "",
        module_ids=form.modules.data or [],
        wishes=form.wishes.data or "",
        languages=form.languages.data or [],
        other_languages=form.other_languages.data or "",
    )


def _option_choices(visit_request: VisitRequest):
    return choices((option.id, str(option.id)) for option in visit_request.current_options)


def _forms(visit_request: VisitRequest) -> dict:
    forms = {"accept": AcceptForm(), "propose": ProposeForm(), "decline": DeclineForm(),
             "withdraw": WithdrawForm()}  # fmt: skip
    forms["accept"].option.choices = _option_choices(visit_request)
    return forms


def _page(visit_request: VisitRequest, forms: dict | None = None, status: int = 200,
          refused: str | None = None):  # fmt: skip
    forms = forms or _forms(visit_request)
    if request.method == "GET" or refused:
        for form in forms.values():
            form.show_version(visit_request)
    visit = visit_request.visit
    return (
        render_template(
            "requests/show.html",
            visit_request=visit_request,
            forms=forms,
            steps=steps_for(current_user, visit_request),
            side=side_of(current_user, visit_request),
            turn=whose_turn(visit_request),
            rounds=options_by_round(visit_request),
            languages=language_names(visit_request),
            visit=visit if visit is not None and can_view_visit(current_user, visit) else None,
            refused=refused,
        ),
        status,
    )


@bp.get("/requests/<id:request_id>")
@permission_required("request.view")
def show(request_id: int, visit_request: VisitRequest):
    """Show a request to both offices: what was asked, where it stands, who did what."""
    return _page(visit_request)


def _answer(visit_request: VisitRequest, name: str, form, step):
    """Validate the step's form, take the step, and show the page again or the result."""
    forms = {**_forms(visit_request), name: form}
    if not form.validate_on_submit():
        return _page(visit_request, forms, 422)
    try:
        result = step()
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
        return _page(visit_request, forms, 422)
    except EditConflict:
        db.session.rollback()
        db.session.refresh(visit_request)
        refused = _("Someone else answered this request meanwhile; here is where it stands now.")
        return _page(visit_request, _forms(visit_request), 409, refused)
    except NotYourTurn:
        db.session.rollback()
        refused = _("This step is not yours to take on the request as it stands.")
        return _page(visit_request, _forms(visit_request), 409, refused)
    return result


@bp.post("/requests/<id:request_id>/accept")
@permission_required("request.answer")
def accept_request(request_id: int, visit_request: VisitRequest):
    """Accept one of the proposed spans of days: a draft visit is made of the request."""
    form = AcceptForm()
    form.option.choices = _option_choices(visit_request)

    def step():
        visit = accept(visit_request, current_user, form.option.data, form.expected_version())
        flash(_("The request is accepted; the visit has been drafted."), "success")
        if can_view_visit(current_user, visit):
            return redirect(url_for("visits.show", visit_id=visit.id))
        return redirect(url_for("requests.show", request_id=request_id))

    return _answer(visit_request, "accept", form, step)


@bp.post("/requests/<id:request_id>/propose")
@permission_required("request.answer")
def propose_days(request_id: int, visit_request: VisitRequest):
    """Propose other days to the other office."""
    form = ProposeForm()

    def step():
        propose(visit_request, current_user, form.day_options(), form.message.data or "",
                form.expected_version())  # fmt: skip
        flash(_("Your proposal has been sent."), "success")
        return redirect(url_for("requests.show", request_id=request_id))

    return _answer(visit_request, "propose", form, step)


@bp.post("/requests/<id:request_id>/decline")
@permission_required("request.answer")
def decline_request(request_id: int, visit_request: VisitRequest):
    """Decline the request (the host)."""
    form = DeclineForm()

    def step():
        decline(visit_request, current_user, form.message.data or "", form.expected_version())
        flash(_("The request is declined; the guest has been told."), "success")
        return redirect(url_for("requests.show", request_id=request_id))

    return _answer(visit_request, "decline", form, step)


@bp.post("/requests/<id:request_id>/withdraw")
@permission_required("request.answer")
def withdraw_request(request_id: int, visit_request: VisitRequest):
    """Withdraw the request (the guest)."""
    form = WithdrawForm()

    def step():
        withdraw(visit_request, current_user, form.message.data or "", form.expected_version())
        flash(_("The request is withdrawn; the host has been told."), "success")
        return redirect(url_for("requests.show", request_id=request_id))

    return _answer(visit_request, "withdraw", form, step)
