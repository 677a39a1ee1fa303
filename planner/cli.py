"""Flask commands: ``flask --app planner <command>``."""

import os
import sys
import time
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from planner.enums import Role
from planner.extensions import db
from planner.models import User, Visit
from planner.services.api_tokens import create_token
from planner.services.benchdata import generate
from planner.services.demo import DEMO_ADMIN_EMAIL, load_demo_data
from planner.services.errors import InvalidInput, UnreadableMessage
from planner.services.locales import formatting_locale
from planner.services.mailbox import MailboxError, fetch_new
from planner.services.mailbox import run_loop as fetch_loop
from planner.services.outbox import mail_backend, run_loop, send_pending
from planner.services.people import purge
from planner.services.planning_state import BATCH, all_visit_ids, refresh_visits
from planner.services.replies import handle_and_commit, receive
from planner.services.trash import empty_trash
from planner.services.users import create_user, normalise_email

users_cli = AppGroup("users", help="Manage staff logins.")
people_cli = AppGroup("people", help="Personal data of participants.")
outbox_cli = AppGroup("outbox", help="E-mail waiting in the outbox.")
mail_cli = AppGroup("mail", help="Answers that calendar programs send back.")
trash_cli = AppGroup("trash", help="Deleted visits, agenda items and people.")
planning_cli = AppGroup("planning", help="Stored warnings and pending changes of visits.")
api_tokens_cli = AppGroup("api-tokens", help="Personal tokens of the JSON API.")

# sysexits.h: what an MTA understands from a delivery program.
EX_DATAERR = 65


def cli_language() -> str:
    """Return the language of the shell (LC_ALL, LC_MESSAGES, LANG) if the app has it, else English.

    Commands are written for administrators in English; refusals follow the shell's language
    where the interface is translated.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            language = value.split("_")[0].split(".")[0].lower()
            return language if language in current_app.config["LANGUAGES"] else "en"
    return "en"


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load only when the database holds no visit at all.")
def demo_data_command(if_empty: bool) -> None:
    """Load the reference visit and the programme module catalogue."""
    if if_empty and db.session.scalar(select(Visit.id).limit(1)) is not None:
        click.echo("The database holds visits already; demo data not loaded.")
        return
    result = load_demo_data()
    db.session.commit()
    if result.admin_password:
        click.echo(
            f"Demo admin: {DEMO_ADMIN_EMAIL} with the password {result.admin_password}\n"
            "  (shown only this once; reset it on the admin page or create your own login)."
        )
    if result.created:
        click.echo(f"Loaded the demo visit {result.visit.title!r} (id {result.visit.id}).")
    else:
        click.echo(f"The demo visit exists already (id {result.visit.id}); nothing changed.")


def _read_password() -> str:
    """Read the password from standard input, or prompt for it on a terminal."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--name", required=True, help="Full name.")
@click.option("--org", required=True, help="Organisation name; created if it does not exist.")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="Role."
)
def create_user_command(email: str, name: str, org: str, role: str) -> None:
    """Create a staff login; the password comes from standard input or a prompt."""
    password = _read_password()
    try:
        user = create_user(email=email, name=name, organisation=org, role=role, password=password)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        with force_locale(formatting_locale(cli_language())):
            raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {user.role} {user.email} in {user.organisation.name}.")


@people_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    required=True,
    type=click.IntRange(min=0),
    help="Anonymise participants of visits that ended more than DAYS ago.",
)
def purge_people_command(days: int) -> None:
    """Anonymise people whose visits all ended more than DAYS ago; agendas stay intact."""
    count = purge(days, date.today())  # noqa: DTZ011 (the server's calendar day)
    db.session.commit()
    click.echo(f"Anonymised {count} people.")


@trash_cli.command("empty")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=None,
    help="Remove what was deleted more than DAYS ago (default: PLANNER_TRASH_DAYS, 30).",
)
def trash_empty_command(days: int | None) -> None:
    """Remove deleted visits, items and people from the trash for good."""
    if days is None:
        days = current_app.config["TRASH_DAYS"]
    count = empty_trash(days)
    db.session.commit()
    click.echo(f"Removed {count} deleted things for good (deleted more than {days} days ago).")


@planning_cli.command("refresh")
@click.option("--visit", "visit_id", type=int, default=None, help="Only the visit with this id.")
def planning_refresh_command(visit_id: int | None) -> None:
    """Recompute the stored warnings, pending changes and counts of every visit (or one)."""
    if visit_id is not None:
        if db.session.get(Visit, visit_id) is None:
            raise click.ClickException(f"There is no visit with the id {visit_id}.")
        ids = [visit_id]
    else:
        ids = all_visit_ids()
    # A commit per batch: a long refresh holds no lock for long and needs little memory.
    for start in range(0, len(ids), BATCH):
        refresh_visits(ids[start : start + BATCH])
        db.session.commit()
        db.session.expunge_all()
    click.echo(f"Refreshed {len(ids)} visits.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending as messages become due.")
def outbox_send_command(loop: bool) -> None:
    """Deliver the messages that are due: once, or again and again with --loop."""
    if loop:
        interval = float(current_app.config["OUTBOX_LOOP_SECONDS"])
        click.echo(f"Sending the outbox every {interval:g} seconds when idle ({mail_backend()}).")
        run_loop(interval)
        return
    sent, failed = send_pending()
    click.echo(f"Sent {sent} messages, {failed} not sent ({mail_backend()}).")


@mail_cli.command("receive")
def mail_receive_command() -> None:
    """Read one e-mail (an iMIP REPLY) from standard input, as an MTA pipe hands it over.

    Exits 0 when the message was understood or deliberately ignored, 65 when it could
    not be read.
    """
    limit = int(current_app.config["MAIL_MAX_BYTES"])
    raw = sys.stdin.buffer.read(limit + 1)
    try:
        received = receive(raw)
        db.session.commit()
    except UnreadableMessage as error:
        db.session.rollback()
        click.echo(f"Message not read: {error}", err=True)
        sys.exit(EX_DATAERR)
    note = " (seen before; nothing changed)" if received.duplicate else ""
    click.echo(f"Message read: {', '.join(received.outcomes)}{note}.")


@mail_cli.command("fetch")
@click.option("--loop", is_flag=True, help="Keep reading the mailbox as messages arrive.")
def mail_fetch_command(loop: bool) -> None:
    """Read new messages from the IMAP mailbox; file each one aside once it is handled."""
    try:
        if loop:
            interval = float(current_app.config["IMAP_LOOP_SECONDS"])
            click.echo(f"Reading the mailbox every {interval:g} seconds when idle.")
            fetch_loop(interval, handle_and_commit)
            return
        result = fetch_new(handle_and_commit)
    except MailboxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Mailbox read: {result}.")
    if result.failed:
        for failure in result.failures:
            click.echo(f"  left in the mailbox: {failure}", err=True)
        sys.exit(1)


@click.command("bench-data")
@click.option("--visits", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--items-per-visit", type=click.IntRange(min=0), default=10, show_default=True)
@click.option("--people", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--participants-per-visit", type=click.IntRange(min=0), default=10,
              show_default=True)  # fmt: skip
@with_appcontext
def bench_data_command(visits: int, items_per_visit: int, people: int,
                       participants_per_visit: int) -> None:  # fmt: skip
    """Fill the database with synthetic visits for benchmarks, in bulk."""
    started = time.perf_counter()
    ids = generate(visits, items_per_visit, people, participants_per_visit)
    db.session.commit()
    click.echo(
        f"Inserted {len(ids)} visits, {len(ids) * items_per_visit} items and {people} people "
        f"in {time.perf_counter() - started:.1f} s."
    )


@api_tokens_cli.command("create")
@click.option("--email", required=True, help="Login e-mail address of the token's user.")
@click.option("--name", required=True, help="What the token is for, e.g. the script's name.")
@click.option(
    "--scope", type=click.Choice(["read", "write"]), default="read", show_default=True,
    help="read, or write (read and write).",
)  # fmt: skip
@click.option("--days", type=click.IntRange(min=1, max=3650), default=None,
              help="Days until it expires; without: until revoked.")  # fmt: skip
def api_tokens_create_command(email: str, name: str, scope: str, days: int | None) -> None:
    """Make a personal API token and print it, once: it is stored only as a hash."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        raise click.ClickException(f"No active login {email}.")
    try:
        token, text = create_token(user, name, "read write" if scope == "write" else "read", days)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        with force_locale(formatting_locale(cli_language())):
            raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(text)
    expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
    click.echo(f"Token “{token.name}” ({token.scope}) for {user.email}{expiry}.", err=True)


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's command line."""
    app.cli.add_command(demo_data_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(people_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(trash_cli)
    app.cli.add_command(planning_cli)
    app.cli.add_command(api_tokens_cli)
    app.cli.add_command(bench_data_command)
