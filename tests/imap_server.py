"""A real IMAP server for the tests: Debian's dovecot as a child process with its own config.

The server listens on 127.0.0.1 only, on a free port, takes plain-text logins without TLS
and keeps its maildirs, sockets and log in a temporary folder. It starts as root (mail is
then kept as ``nobody``, chrooted into the user's folder, since dovecot never touches mail
as root) and as any other user (every process then runs as that user).
"""

import base64
import contextlib
import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
DOVECOT = shutil.which("dovecot", path=SBIN_PATH)
DOVEADM = shutil.which("doveadm", path=SBIN_PATH)
OPENSSL = shutil.which("openssl")
MISSING = (
    "Debian's dovecot-imapd is not installed (make install-test installs it; "
    "or apt-get install dovecot-imapd)"
)

# user name -> password; the second one needs SASL PLAIN, since LOGIN takes ASCII only.
USERS = {"planner": "planner-test-password", "umlaut": "Grüße aus Bochum"}


def start_or_skip(directory: Path, *, capability: str | None = None) -> "ImapServer":
    """Start a server in ``directory``; skip the test without dovecot (fail on CI instead)."""
    if not DOVECOT:
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING}, but CI must run the IMAP tests")
        pytest.skip(MISSING)
    return ImapServer(directory, capability=capability).start()


def dovecot_version() -> tuple[int, ...]:
    """Return the installed dovecot's version, e.g. (2, 3, 19, 1)."""
    output = subprocess.run(
        [DOVECOT or "dovecot", "--version"], capture_output=True, text=True, check=True
    ).stdout
    return tuple(int(part) for part in re.findall(r"\d+", output.split()[0]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _name_of_user(uid: int, fallback: str) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return fallback


def _name_of_group(gid: int, fallback: str) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return fallback


def _existing_user(*names: str) -> pwd.struct_passwd:
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise LookupError(f"none of the users {', '.join(names)} exists")


class ImapServer:
    """A dovecot instance in ``directory``; ``capability`` replaces what it announces."""

    def __init__(self, directory: Path, *, capability: str | None = None) -> None:
        self.directory = directory
        self.capability = capability
        self.host = "127.0.0.1"
        self.port = 0
        # With openssl at hand the server also speaks TLS: STARTTLS on ``port``, implicit
        # TLS on ``tls_port``, with a certificate for 127.0.0.1 that only ``ca_file`` trusts.
        self.tls_port = 0
        self.ca_file: Path | None = None
        self.process: subprocess.Popen | None = None
        self.config_path = directory / "dovecot.conf"
        self.log_path = directory / "dovecot.log"

    # -- life cycle --------------------------------------------------------------------

    def start(self, attempts: int = 3) -> "ImapServer":
        """Start dovecot and wait until it greets; try other ports if one is taken."""
        if not DOVECOT:
            raise RuntimeError(MISSING)
        for attempt in range(attempts):
            self.port = _free_port()
            self.tls_port = _free_port() if OPENSSL else 0
            self._write_config()
            with (self.directory / "dovecot.stderr").open("wb") as stderr:
                self.process = subprocess.Popen(
                    [DOVECOT, "-F", "-c", str(self.config_path)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            if self._wait_for_greeting(timeout=15):
                return self
            self.stop()
            if attempt == attempts - 1 or "in use" not in self.log():
                break
        raise RuntimeError(f"dovecot did not start; its log:\n{self.log()}")

    def stop(self) -> None:
        """Stop dovecot and its children."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        """Return what dovecot wrote to its log and to standard error."""
        parts = []
        for path in (self.directory / "dovecot.stderr", self.log_path):
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def _wait_for_greeting(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=2) as connection:
                    if connection.recv(100).startswith(b"* OK"):
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    # -- configuration -----------------------------------------------------------------

    def _write_config(self) -> None:
        for name in ("run", "state", "mail"):
            (self.directory / name).mkdir(exist_ok=True)
        as_root = os.geteuid() == 0
        if as_root:
            # Dovecot refuses mail as uid 0 and login processes as root: mail belongs to
            # nobody, chrooted into its folder (the chroot happens while still root, so the
            # private temporary folder around it does not matter); logins run chrooted too.
            mail_owner = _existing_user("nobody")
            login_user = _existing_user("dovenull", "nobody").pw_name
            internal_user, internal_group = "root", _name_of_group(0, "root")
        else:
            mail_owner = pwd.getpwuid(os.geteuid())
            login_user = internal_user = _name_of_user(os.geteuid(), str(os.geteuid()))
            internal_group = _name_of_group(os.getegid(), str(os.getegid()))
        tls = self._certificate() if self.tls_port else None
        lines = []
        for user, password in USERS.items():
            home = self.directory / "mail" / user
            home.mkdir(exist_ok=True)
            if as_root:
                os.chown(home, mail_owner.pw_uid, mail_owner.pw_gid)
            lines.append(f"{user}:{{PLAIN}}{password}::::::")
        (self.directory / "users").write_text("\n".join(lines) + "\n", encoding="utf-8")
        values = {
            "dir": str(self.directory),
            "port": self.port,
            "uid": mail_owner.pw_uid,
            "gid": mail_owner.pw_gid,
            # With root, "/./" in home chroots the mail process into the user's folder.
            "home_end": "/./" if as_root else "",
            "internal_user": internal_user,
            "internal_group": internal_group,
            "login_user": login_user,
            "first_valid_uid": min(mail_owner.pw_uid, 500) if as_root else os.geteuid(),
            "capability": f"imap_capability = {self.capability}" if self.capability else "",
            "tls_port": self.tls_port,
        }
        template = CONFIG_2_4 if dovecot_version() >= (2, 4) else CONFIG_2_3
        values["tls"] = "ssl = no"
        if tls and template is CONFIG_2_4:
            values["tls"] = (
                f"ssl = yes\nssl_server_cert_file = {tls[0]}\nssl_server_key_file = {tls[1]}"
            )
        elif tls:
            values["tls"] = f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}"
        config = template.format(**values)
        self.config_path.write_text(config, encoding="utf-8")
        if not as_root:
            # Only root may chroot: every service that would is told not to.
            unchroot = "".join(f"service {name} {{\n  chroot =\n}}\n" for name in self._chroots())
            self.config_path.write_text(config + unchroot, encoding="utf-8")

    def _certificate(self) -> tuple[Path, Path]:
        """Make a self-signed certificate for 127.0.0.1 once; it is its own CA."""
        folder = self.directory / "tls"
        cert, key = folder / "cert.pem", folder / "key.pem"
        if not cert.exists():
            folder.mkdir(exist_ok=True)
            subprocess.run(
                [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                 "-keyout", str(key), "-out", str(cert)],
                capture_output=True,
                check=True,
            )  # fmt: skip
        self.ca_file = cert
        return cert, key

    def _chroots(self) -> list[str]:
        """Return the services that chroot in the configuration written so far."""
        output = subprocess.run(
            [
                shutil.which("doveconf", path=SBIN_PATH) or "doveconf",
                "-a",
                "-c",
                str(self.config_path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        services, current = [], None
        for line in output.splitlines():
            if found := re.match(r"service (\S+) \{", line):
                current = found[1]
            elif current and re.match(r"  chroot = \S", line):
                services.append(current)
        return services

    # -- mailboxes ---------------------------------------------------------------------

    def settings(self, user: str = "planner", security: str = "none") -> dict[str, object]:
        """Return the app settings that read ``user``'s mailbox on this server.

        With ``security`` "starttls" or "ssl" the client must trust ``ca_file`` (e.g. by
        ``SSL_CERT_FILE`` in the environment).
        """
        if security != "none" and not self.tls_port:
            pytest.skip("openssl is missing: no certificate for the test server")
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": self.tls_port if security == "ssl" else self.port,
            "IMAP_SECURITY": security,
            "IMAP_USER": user,
            "IMAP_PASSWORD": USERS[user],
            "IMAP_FOLDER": "INBOX",
        }

    def mailbox(self, user: str = "planner") -> "TestMailbox":
        """Return a helper that delivers to and reads ``user``'s folders."""
        return TestMailbox(self, user)

    def kick(self, user: str = "planner") -> None:
        """Make the server drop every connection of ``user``, as a lost connection would."""
        if not DOVEADM:
            raise RuntimeError("doveadm is missing")
        subprocess.run(
            [DOVEADM, "-c", str(self.config_path), "kick", user],
            capture_output=True,
            check=True,
            timeout=10,
        )


@dataclass
class TestMailbox:
    """One user's mailbox, seen through a separate IMAP connection per call.

    Folder names are written as in the planner's settings, "/" between levels; the server's
    own separator and its modified UTF-7 stay inside.
    """

    server: ImapServer
    user: str

    __test__ = False  # a helper, not a test class

    @property
    def settings(self) -> dict[str, object]:
        """The app settings that read this mailbox."""
        return self.server.settings(self.user)

    @contextlib.contextmanager
    def connection(self):
        """Log in as this mailbox's user for the duration of the block."""
        imap = imaplib.IMAP4(self.server.host, self.server.port, timeout=10)
        try:
            password = USERS[self.user]
            if password.isascii():
                imap.login(self.user, password)
            else:
                credentials = f"\0{self.user}\0{password}".encode()
                imap.authenticate("PLAIN", lambda _: credentials)
            yield imap
        finally:
            try:
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                with contextlib.suppress(OSError):
                    imap.shutdown()

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        """Put a message into a folder (IMAP APPEND) and return its UID."""
        with self.connection() as imap:
            status, data = imap.append(self._server_name(imap, folder), None, None, raw)
            assert status == "OK", data
            return int(re.search(rb"APPENDUID \d+ (\d+)", data[0])[1])

    def folders(self) -> list[str]:
        """Return the names of all folders, sorted."""
        with self.connection() as imap:
            return sorted(self._folders(imap))

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """Return the messages of a folder in arrival order, without marking them seen."""
        return [raw for raw, _flags in self._fetch(folder)]

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        """Return the flags of each message of a folder, in arrival order."""
        return [flags for _raw, flags in self._fetch(folder)]

    def empty(self) -> None:
        """Remove every message and every folder but the inbox."""
        with self.connection() as imap:
            for name in sorted(self._folders(imap).values(), key=len, reverse=True):
                if name != "INBOX":
                    imap.delete(_quote(name))
            status, data = imap.select('"INBOX"')
            if int(data[0]):
                imap.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                imap.expunge()

    def _fetch(self, folder: str) -> list[tuple[bytes, set[str]]]:
        with self.connection() as imap:
            status, data = imap.select(self._server_name(imap, folder), readonly=True)
            assert status == "OK", (folder, data)
            if int(data[0]) == 0:
                return []
            status, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[])")
            assert status == "OK", data
            found = []
            for item in data:
                if isinstance(item, tuple):
                    flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
                    names = set(flags[1].decode().split()) if flags else set()
                    found.append((item[1], names))
            return found

    def _folders(self, imap: imaplib.IMAP4) -> dict[str, str]:
        """Map the planner's spelling of each folder to the server's."""
        status, data = imap.list()
        assert status == "OK", data
        folders = {}
        for item in data:
            found = re.match(rb'\(([^)]*)\) (?:"((?:\\.|[^"\\])*)"|NIL) (.*)$', item)
            flags, delimiter, name = found[1], found[2], found[3]
            if b"\\Noselect" in flags or b"\\NonExistent" in flags:
                continue
            server_name = name.strip(b'"').decode("ascii")
            readable = _decode_modified_utf7(server_name)
            if delimiter:
                readable = readable.replace(delimiter.decode(), "/")
            folders[readable] = server_name
        return folders

    def _server_name(self, imap: imaplib.IMAP4, folder: str) -> str:
        if folder == "INBOX":
            return '"INBOX"'
        folders = self._folders(imap)
        if folder not in folders:
            raise LookupError(f"no folder {folder!r} in {sorted(folders)}")
        return _quote(folders[folder])


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _decode_modified_utf7(name: str) -> str:
    """Decode IMAP's modified UTF-7 (RFC 3501, 5.1.3), written here apart from the app's."""

    def decode(match: re.Match) -> str:
        if not match[1]:
            return "&"
        chunk = match[1].replace(",", "/")
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-16-be")

    return re.sub(r"&([^-]*)-", decode, name)


# Dovecot 2.3 (Debian 12). Every path is inside the test's folder; nothing listens but the
# one plain-text IMAP port on 127.0.0.1.
CONFIG_2_3 = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = planner-test-{port}
log_path = {dir}/dovecot.log
{tls}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {first_valid_uid}
first_valid_gid = 0
valid_chroot_dirs = {dir}/mail
mail_location = maildir:~/Maildir
{capability}
passdb {{
  driver = passwd-file
  args = {dir}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/mail/%u{home_end}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
  }}
}}
"""

# Dovecot 2.4 (Debian 13) renamed many settings; the same server in its syntax.
CONFIG_2_4 = """\
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = planner-test-{port}
log_path = {dir}/dovecot.log
{tls}
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {first_valid_uid}
first_valid_gid = 0
valid_chroot_dirs = {dir}/mail
mail_driver = maildir
mail_path = ~/Maildir
{capability}
passdb passwd-file {{
  passwd_file_path = {dir}/users
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {dir}/mail/%{{user}}{home_end}
  }}
}}
service imap-login {{
  inet_listener imap {{
    listen = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
  }}
}}
"""
