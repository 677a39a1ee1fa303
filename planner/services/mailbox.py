"""Reading the organiser's mailbox over IMAP: hand each new message over, then file it.

Replies from calendar programs (iMIP, ``METHOD:REPLY``) arrive in the mailbox that
invitations name as ORGANIZER. :func:`fetch_new` reads the messages of one folder by UID
and calls a handler with each message's bytes. Only after the handler has returned is the
message moved: to the done folder when it was understood or deliberately ignored, to the
unreadable folder when the handler raised :class:`UnreadableMessage` or the message is
larger than ``MAIL_MAX_BYTES`` (such a message is never downloaded). A handler that fails
otherwise leaves its message where it was, for the next run. So no message is lost when
anything crashes, and a crash between handling and moving means the message is handled
once more: the handler must be idempotent.

Only the standard library's ``imaplib`` is used; every wait on the network is bounded by
``IMAP_TIMEOUT``, every run by ``IMAP_MAX_MESSAGES`` and every message by
``MAIL_MAX_BYTES``.
"""

import base64
import contextlib
import imaplib
import logging
import re
import signal
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import current_app

from planner.services.errors import UnreadableMessage

__all__ = [
    "FetchResult",
    "MailboxError",
    "MailboxLoginFailed",
    "MailboxNotConfigured",
    "UnreadableMessage",
    "fetch_new",
    "run_loop",
]

log = logging.getLogger(__name__)

Handler = Callable[[bytes], bool | None]

# Messages looked at per SEARCH: keeps each answer of the server small, however full the
# folder is.
SEARCH_WINDOW = 1000


class MailboxError(Exception):
    """The mailbox could not be read: not configured, unreachable, refused or cut off.

    Its text names server and user (never the password) and is fit to show as it is.
    ``result`` holds what the run did before the error, when it got that far.
    """

    def __init__(self, message: str, result: "FetchResult | None" = None) -> None:
        super().__init__(message)
        self.result = result


class MailboxNotConfigured(MailboxError):
    """No IMAP server is configured, or the folders configured contradict each other."""


class MailboxLoginFailed(MailboxError):
    """The IMAP server refused the user name or password."""


@dataclass
class FetchResult:
    """What one run did with the messages it found."""

    handled: int = 0  # the handler returned True or None: moved to the done folder
    ignored: int = 0  # the handler returned False: moved to the done folder
    unreadable: int = 0  # the handler raised UnreadableMessage: moved to the unreadable folder
    too_large: int = 0  # larger than MAIL_MAX_BYTES, not downloaded: moved to unreadable
    failures: list[str] = field(default_factory=list)  # the handler failed: left in place
    more: bool = False  # messages were left for the next run by the limit or a stop

    @property
    def failed(self) -> int:
        """Return how many messages the handler failed on (they stay in the folder)."""
        return len(self.failures)

    @property
    def moved(self) -> int:
        """Return how many messages were filed away."""
        return self.handled + self.ignored + self.unreadable + self.too_large

    def __str__(self) -> str:
        text = (
            f"{self.handled} handled, {self.ignored} ignored, {self.unreadable} unreadable, "
            f"{self.too_large} too large, {self.failed} failed"
        )
        return text + (", more waiting" if self.more else "")


@dataclass(frozen=True)
class _Settings:
    host: str
    port: int
    security: str
    user: str
    password: str
    folder: str
    done_folder: str
    unreadable_folder: str
    timeout: float
    max_messages: int
    max_bytes: int

    @property
    def where(self) -> str:
        return f"IMAP {self.user or '(no user)'}@{self.host}:{self.port}"


def _settings() -> _Settings:
    config = current_app.config
    settings = _Settings(
        host=config["IMAP_HOST"],
        port=int(config["IMAP_PORT"]),
        security=config["IMAP_SECURITY"],
        user=config["IMAP_USER"],
        password=config["IMAP_PASSWORD"],
        folder=config["IMAP_FOLDER"] or "INBOX",
        done_folder=config["IMAP_DONE_FOLDER"],
        unreadable_folder=config["IMAP_UNREADABLE_FOLDER"],
        timeout=float(config["IMAP_TIMEOUT"]),
        max_messages=int(config["IMAP_MAX_MESSAGES"]),
        max_bytes=int(config["MAIL_MAX_BYTES"]),
    )
    if not settings.host:
        raise MailboxNotConfigured("PLANNER_IMAP_HOST is not set: there is no mailbox to read.")
    for name in ("done_folder", "unreadable_folder"):
        if _same_folder(getattr(settings, name), settings.folder):
            raise MailboxNotConfigured(
                f"PLANNER_IMAP_{name.upper()} must differ from PLANNER_IMAP_FOLDER "
                f"({settings.folder!r}), or messages would be read again and again."
            )
    return settings


def _same_folder(one: str, other: str) -> bool:
    if one.upper() == "INBOX" or other.upper() == "INBOX":
        return one.upper() == other.upper()
    return one.strip("/") == other.strip("/")


def fetch_new(
    handle: Handler,
    *,
    limit: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FetchResult:
    """Hand each message of the configured folder to ``handle``, then file it away.

    ``handle(raw)`` gets the message exactly as stored and must commit whatever it records
    itself. It returns True (understood) or None (done) or False (deliberately ignored):
    the message goes to ``IMAP_DONE_FOLDER``. It raises :class:`UnreadableMessage` for a
    message it cannot make sense of: the message goes to ``IMAP_UNREADABLE_FOLDER``. Any
    other exception is logged and reported in the result, and the message stays where it
    is, to be tried again by the next run.

    ``handle`` must be idempotent: when the process dies, or the connection breaks, after
    ``handle`` returned but before the message was moved, the next run hands the same
    message over again.

    At most ``limit`` messages (default ``IMAP_MAX_MESSAGES``) are looked at per run, in
    the order they arrived; ``should_stop`` is asked before each message. Raises
    :class:`MailboxError` (:class:`MailboxLoginFailed`, :class:`MailboxNotConfigured`)
    when the mailbox cannot be read.
    """
    settings = _settings()
    limit = settings.max_messages if limit is None else limit
    result = FetchResult()
    try:
        with _session(settings) as session:
            session.run(handle, result, limit, should_stop or (lambda: False))
    except MailboxError as error:
        error.result = result
        raise
    except (imaplib.IMAP4.error, OSError) as error:
        # IMAP4.abort (a subclass): the server hung up; OSError: refused, timed out, TLS.
        raise MailboxError(f"{settings.where}: {_describe(error)}", result) from error
    if result.failures or result.moved:
        log.info("%s %s: %s", settings.where, settings.folder, result)
    return result


def run_loop(
    interval: float,
    handle: Handler,
    *,
    limit: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Fetch new messages again and again, resting ``interval`` seconds when none are left.

    A mailbox that cannot be read (server down, connection lost, login refused) is logged
    as an error and tried again after the rest; settings that cannot work raise
    :class:`MailboxNotConfigured` at once. SIGTERM or Ctrl-C stop the loop after the
    message at hand has been filed; a second Ctrl-C stops at once (the message at hand is
    then handled again next time).
    """
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("Stopping after the message at hand (signal %s).", signum)
        stop.set()

    def stopping() -> bool:
        return stop.is_set() or should_stop()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, request_stop)
    try:
        while not stopping():
            try:
                result = fetch_new(handle, limit=limit, should_stop=stopping)
            except MailboxNotConfigured:
                raise  # no rest makes the settings right
            except MailboxError as error:
                log.error("Mailbox not read, trying again in %g s: %s", interval, error)
                stop.wait(interval)
                continue
            # At once again only while the last run got messages out of the way: a run
            # that failed on all it saw would otherwise try them again without a rest.
            if not (result.more and result.moved):
                stop.wait(interval)
    except KeyboardInterrupt:
        log.info("Stopped.")
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, TimeoutError):
        return f"no answer in time ({text})"
    if isinstance(error, imaplib.IMAP4.abort):
        return f"connection lost ({text})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({text})"
    if isinstance(error, ConnectionError):
        return f"cannot connect ({text})"
    return text


@contextlib.contextmanager
def _session(settings: _Settings) -> Iterator["_Session"]:
    imap = _connect(settings)
    try:
        yield _Session(imap, settings)
    finally:
        _close(imap)


def _close(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        # LOGOUT failed on a connection already lost; its socket is closed all the same.
        with contextlib.suppress(OSError):
            imap.shutdown()


def _connect(settings: _Settings) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=context, timeout=settings.timeout
        )
    else:
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            imap.starttls(ssl_context=context)
        _login(imap, settings)
    except BaseException:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.shutdown()
        raise
    return imap


def _login(imap: imaplib.IMAP4, settings: _Settings) -> None:
    try:
        if (settings.user + settings.password).isascii():
            imap.login(settings.user, settings.password)
        else:
            # LOGIN takes ASCII only; SASL PLAIN carries UTF-8 (RFC 4616).
            credentials = f"\0{settings.user}\0{settings.password}".encode()
            imap.authenticate("PLAIN", lambda _challenge: credentials)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as error:
        reason = _text(error.args[0]) if error.args else ""
        raise MailboxLoginFailed(
            f"{settings.where}: the server refused the login ({reason or 'no reason given'}). "
            "Check PLANNER_IMAP_USER and PLANNER_IMAP_PASSWORD."
        ) from error


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class _Session:
    """One logged-in connection: folder names as the server spells them, and the moves."""

    def __init__(self, imap: imaplib.IMAP4, settings: _Settings) -> None:
        self.imap = imap
        self.settings = settings
        self.capabilities = self._capabilities()
        self.prefix, self.delimiter = self._namespace()
        self.ready_folders: set[str] = set()

    # -- conversation ------------------------------------------------------------------

    def _check(self, answer: tuple[str, list], what: str) -> list:
        status, data = answer
        if status != "OK":
            reason = "; ".join(_text(item) for item in data if item) or status
            raise MailboxError(f"{self.settings.where}: {what} refused: {reason}")
        return data

    def _capabilities(self) -> set[str]:
        # imaplib keeps the capabilities from before the login; servers add more after it.
        data = self._check(self.imap.capability(), "CAPABILITY")
        words = b" ".join(item for item in data if isinstance(item, bytes)).upper().split()
        return {word.decode("ascii", "replace") for word in words}

    def _namespace(self) -> tuple[str, str]:
        if "NAMESPACE" in self.capabilities:
            data = self._check(self.imap.namespace(), "NAMESPACE")
            found = re.match(rb'\(\("((?:\\.|[^"\\])*)" (?:"((?:\\.|[^"\\])*)"|NIL)\)', data[0])
            if found:
                return _unquote(found[1]), _unquote(found[2] or b"")
        data = self._check(self.imap.list('""', '""'), "LIST")
        found = re.match(rb'\([^)]*\) (?:"((?:\\.|[^"\\])*)"|NIL)', data[0] or b"")
        return "", _unquote(found[1]) if found and found[1] else ""

    def mailbox(self, name: str) -> str:
        """Return the quoted server name of a folder configured with "/" between levels."""
        if name.upper() == "INBOX":
            return '"INBOX"'
        server = name.strip("/")
        if self.delimiter:
            server = server.replace("/", self.delimiter)
        if self.prefix and not server.startswith(self.prefix):
            server = self.prefix + server
        return _quote(encode_folder_name(server))

    # -- the run -----------------------------------------------------------------------

    def run(
        self, handle: Handler, result: FetchResult, limit: int, should_stop: Callable[[], bool]
    ) -> None:
        uids, result.more = self._waiting(limit)
        sizes = self._sizes(uids)
        for uid in uids:
            if should_stop():
                result.more = True
                return
            if uid not in sizes:
                continue  # gone meanwhile: another client took it
            if sizes[uid] > self.settings.max_bytes:
                self._too_large(uid, sizes[uid], result)
                continue
            raw = self._download(uid)
            if raw is None:
                continue
            if len(raw) > self.settings.max_bytes:
                self._too_large(uid, len(raw), result)
                continue
            try:
                outcome = handle(raw)
            except UnreadableMessage as error:
                log.warning("Message UID %s is unreadable: %s", uid, error)
                self._move(uid, self.settings.unreadable_folder)
                result.unreadable += 1
                continue
            except Exception as error:
                # Unexpected (a bug, the database away): keep the message for the next run.
                log.exception("Message UID %s not handled; it stays in %s", uid, self.folder)
                result.failures.append(f"UID {uid}: {type(error).__name__}: {error}")
                continue
            self._move(uid, self.settings.done_folder)
            if outcome is False:
                result.ignored += 1
            else:
                result.handled += 1

    @property
    def folder(self) -> str:
        return self.settings.folder

    def _waiting(self, limit: int) -> tuple[list[int], bool]:
        """Return the UIDs of up to ``limit`` messages in arrival order, and whether more wait."""
        data = self._check(self.imap.select(self.mailbox(self.folder)), f"SELECT {self.folder}")
        exists = int(data[0] or 0)
        uids: list[int] = []
        start = 1
        while start <= exists and len(uids) <= limit:
            end = min(exists, start + SEARCH_WINDOW - 1)
            # A sequence range bounds each answer; \Deleted ones are on their way out.
            data = self._check(self.imap.uid("SEARCH", f"{start}:{end}", "UNDELETED"), "SEARCH")
            uids.extend(int(uid) for item in data if item for uid in item.split())
            start = end + 1
        uids.sort()
        return uids[:limit], len(uids) > limit

    def _sizes(self, uids: list[int]) -> dict[int, int]:
        if not uids:
            return {}
        answer = self.imap.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)")
        sizes = {}
        for item in self._check(answer, "FETCH RFC822.SIZE"):
            text = item[0] if isinstance(item, tuple) else item
            uid = re.search(rb"\bUID (\d+)", text or b"")
            size = re.search(rb"\bRFC822\.SIZE (\d+)", text or b"")
            if uid and size:
                sizes[int(uid[1])] = int(size[1])
        return sizes

    def _download(self, uid: int) -> bytes | None:
        # PEEK: a message left behind stays unread for people; the partial range bounds
        # what is read even from a server that misstates the size.
        part = f"(BODY.PEEK[]<0.{self.settings.max_bytes + 1}>)"
        for item in self._check(self.imap.uid("FETCH", str(uid), part), "FETCH BODY"):
            if isinstance(item, tuple) and b"BODY[" in item[0]:
                return item[1]
        return None

    def _too_large(self, uid: int, size: int, result: FetchResult) -> None:
        log.warning(
            "Message UID %s has %s bytes, more than MAIL_MAX_BYTES (%s); filed as unreadable",
            uid,
            size,
            self.settings.max_bytes,
        )
        self._move(uid, self.settings.unreadable_folder)
        result.too_large += 1

    # -- filing ------------------------------------------------------------------------

    def _ensure(self, name: str) -> str:
        mailbox = self.mailbox(name)
        if mailbox in self.ready_folders:
            return mailbox
        data = self._check(self.imap.list('""', mailbox), f"LIST {name}")
        listed = [item for item in data if item]
        usable = listed and not any(
            re.search(rb"\\(Noselect|NonExistent)\b", item, re.IGNORECASE) for item in listed
        )
        if not usable:
            status, answer = self.imap.create(mailbox)
            if status != "OK" and not any(b"ALREADYEXISTS" in (item or b"") for item in answer):
                self._check((status, answer), f"CREATE {name}")
            # So that people see the folder in their mail program; not needed for us.
            with contextlib.suppress(imaplib.IMAP4.error):
                self.imap.subscribe(mailbox)
            log.info("Created the folder %s in %s", name, self.settings.where)
        self.ready_folders.add(mailbox)
        return mailbox

    def _move(self, uid: int, name: str) -> None:
        """Move one message to a folder: MOVE where possible, else copy and expunge."""
        target = self._ensure(name)
        if "MOVE" in self.capabilities:
            self._check(self.imap.uid("MOVE", str(uid), target), f"MOVE to {name}")
            return
        self._check(self.imap.uid("COPY", str(uid), target), f"COPY to {name}")
        # The copy is safe in the target: only now mark and remove the original.
        self._check(
            self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), "STORE \\Deleted"
        )
        if "UIDPLUS" in self.capabilities:
            self._check(self.imap.uid("EXPUNGE", str(uid)), "UID EXPUNGE")
        else:
            # Also removes what others marked \Deleted in this folder: a mailbox for the
            # planner only, as the README asks.
            self._check(self.imap.expunge(), "EXPUNGE")


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(value: bytes) -> str:
    return re.sub(rb"\\(.)", rb"\1", value).decode("utf-8", "replace")


def encode_folder_name(name: str) -> str:
    """Return a folder name in IMAP's modified UTF-7 (RFC 3501, 5.1.3)."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            chunk = base64.b64encode("".join(pending).encode("utf-16-be"))
            encoded.append("&" + chunk.rstrip(b"=").replace(b"/", b",").decode("ascii") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(encoded)
