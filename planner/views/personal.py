"""An invited person's own page, without a login: programme, answers, needs, journey,
calendar download and subscription."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale

from planner.enums import RsvpStatus
from planner.extensions import db
from planner.forms.confirm import ConfirmForm
from planner.forms.personal import NeedsForm
from planner.models import Participation
from planner.services.agenda_view import issued_zone
from planner.services.answers import own_calendar, own_items, read_rsvp_token, record_answers
from planner.services.locales import formatting_locale
from planner.services.locking import EditConflict
from planner.services.personal import (
    MissingConsent,
    feed_addresses,
    link_expired,
    other_zone,
    read_feed_token,
    save_needs,
    times_in,
    travel_window,
    withdraw_health_consent,
)
from planner.views.access import permission_required

bp = Blueprint("personal", __name__)

ANSWERS = {
    "accepted": RsvpStatus.ACCEPTED,
    "tentative": RsvpStatus.TENTATIVE,
    "declined": RsvpStatus.DECLINED,
}


def _chosen(value: str | None) -> RsvpStatus | None:
    return ANSWERS.get(value or "")


def _open(token: str) -> tuple[Participation | None, tuple[str, int] | None]:
    """Return the participation of a live link, or the page that says why it is not one:
    400 for a link that is wrong or whose person left the visit, 410 after the visit."""
    participation = read_rsvp_token(token)
    if participation is None:
        return None, (render_template("personal/invalid.html", expired=False), 400)
    if link_expired(participation.visit):
        return None, (render_template("personal/invalid.html", expired=True), 410)
    return participation, None


def _language(participation: Participation) -> str:
    """Return the page's language: the person's own, unless they chose another."""
    language = request.args.get("lang", participation.person.language.value)
    if language not in current_app.config["LANGUAGES"]:
        language = participation.person.language.value
    return language


def _needs_form(participation: Participation, **kwargs) -> NeedsForm:
    return NeedsForm(window=travel_window(participation.visit), **kwargs)


def _render(participation: Participation, token: str, language: str, *,
            form: NeedsForm | None = None, saved: str = "", others=None,
            wanted: RsvpStatus | None = None, only: int | None = None,
            status: int = 200):  # fmt: skip
    """Render the person's page in their language, with the answer ``wanted`` chosen for
    every item, or only for the item ``only``."""
    version, items = own_items(participation, language)
    preselected = {item.id: wanted for item in items if wanted and only in (None, item.id)}
    zone = issued_zone(version, participation.visit) if version else participation.visit.timezone
    home = other_zone(participation, zone)
    if form is None:
        form = _needs_form(participation, formdata=None)
        form.fill(participation)
    feed_url, webcal_url = feed_addresses(participation)
    with force_locale(formatting_locale(language)):
        body = render_template(
            "personal/page.html", participation=participation, person=participation.person,
            visit=participation.visit, saved=saved, token=token, version=version,
            items=items, preselected=preselected, zone=zone, home_zone=home,
            home_times=times_in(items, home), form=form, others=others, language=language,
            feed_url=feed_url, webcal_url=webcal_url,
        )  # fmt: skip
    return body, status


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
@permission_required("token")
def rsvp(token: str):
    """Show a person's own page: programme with an answer per item, needs and journey
    (GET); record the answers (POST).

    The link in the e-mail may preselect an answer for all items or for one
    (``?answer=accepted&item=12``); looking at the page changes nothing.
    """
    participation, refusal = _open(token)
    if refusal:
        return refusal
    language = _language(participation)
    if request.method == "POST":
        everything = _chosen(request.form.get("answer"))
        per_item = {
            int(key.removeprefix("item-")): _chosen(value)
            for key, value in request.form.items()
            if key.startswith("item-") and key.removeprefix("item-").isdigit()
        }
        if everything is None and (not per_item or None in per_item.values()):
            abort(400)
        record_answers(participation, everything, per_item)
        db.session.commit()
        return _render(participation, token, language, saved="answers")
    return _render(participation, token, language, wanted=_chosen(request.args.get("answer")),
                   only=request.args.get("item", type=int))  # fmt: skip


@bp.post("/rsvp/<token>/needs")
@permission_required("token")
def needs(token: str):
    """Save the person's needs and journey, refusing to overwrite a change made since
    the page was opened (another tab, a planner)."""
    participation, refusal = _open(token)
    if refusal:
        return refusal
    language = _language(participation)
    with force_locale(formatting_locale(language)):
        form = _needs_form(participation)
        valid = form.validate()
    if not valid:
        return _render(participation, token, language, form=form, status=422)
    try:
        save_needs(participation, form.needs(), form.expected_version(),
                   form.expected_person_version())  # fmt: skip
        db.session.commit()
    except MissingConsent:
        # The form checks it first; the service refuses on its own all the same.
        abort(422)
    except EditConflict as conflict:
        db.session.rollback()
        participation = db.session.get(Participation, participation.id)
        with force_locale(formatting_locale(language)):
            others = form.refusal(conflict, participation)
        form.show_versions(participation)
        return _render(participation, token, language, form=form, others=others, status=409)
    return _render(participation, token, language, saved="needs")


@bp.route("/rsvp/<token>/consent", methods=["GET", "POST"])
@permission_required("token")
def withdraw_consent(token: str):
    """Withdraw the consent to keeping health data, which deletes that data, after a
    confirmation page."""
    participation, refusal = _open(token)
    if refusal:
        return refusal
    language = _language(participation)
    form = ConfirmForm()
    if form.confirmed():
        withdraw_health_consent(participation.person)
        db.session.commit()
        return _render(participation, token, language, saved="withdrawn")
    if request.method == "POST":
        return redirect(url_for("personal.withdraw_consent", token=token, lang=language))
    with force_locale(formatting_locale(language)):
        return render_template(
            "personal/withdraw.html", participation=participation, form=form, token=token,
            language=language,
        )  # fmt: skip


def _calendar(body: bytes | None, filename: str, attachment: bool) -> Response:
    if body is None:
        abort(404)
    disposition = "attachment" if attachment else "inline"
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"',
                 "Cache-Control": "private, no-store"},
    )  # fmt: skip


@bp.get("/rsvp/<token>/programme.ics")
@permission_required("token")
def rsvp_calendar(token: str):
    """Download the person's own issued programme as a calendar file."""
    participation, refusal = _open(token)
    if refusal:
        return refusal
    return _calendar(own_calendar(participation), "programme.ics", attachment=True)


@bp.get("/rsvp/feeds/<token>.ics")
@permission_required("token")
def feed(token: str):
    """Serve the person's subscription: their own issued items, nothing else."""
    participation = read_feed_token(token)
    if participation is None:
        abort(410)
    return _calendar(own_calendar(participation, feed=True), "programme.ics", attachment=False)
