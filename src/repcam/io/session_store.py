"""The session log: every session, set, rep and fault, in SQLite, committed as it happens.

One file in the user's data directory (or `--db` / REPCAM_DB). WAL journal with full sync,
so a rep is durable the moment it is written: a crash, a power cut or kill -9 mid-set loses
no completed rep. The file is never replaced or rewritten: a damaged or newer-schema log is
refused with a way out, not "repaired".
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from repcam.core.sides import Side
from repcam.errors import SessionLogError
from repcam.exercises.events import FaultDetected, RepMetrics, faults_from
from repcam.folds.progression import SessionRecord
from repcam.io.settings import environment

SCHEMA_VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x72706361  # "rpca": marks an SQLite file as a repcam log
SESSIONS_WITH_PROFILE = ("SELECT s.*, p.name AS profile FROM sessions s JOIN profiles p "
                         "ON p.id = s.profile_id")
REPCAM_TABLES = frozenset({"profiles", "sessions", "sets", "reps", "faults"})
DEFAULT_PROFILE = "me"

# Each entry upgrades the schema by one version; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id),
        exercise TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('live', 'video')),
        source_name TEXT NOT NULL,
        model TEXT NOT NULL,
        band TEXT,
        target_sets INTEGER NOT NULL,
        target_reps INTEGER NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        origin TEXT UNIQUE  -- an imported session.json: its identity, so it imports once
    );
    CREATE TABLE sets (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        number INTEGER NOT NULL,
        target_reps INTEGER NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        UNIQUE (session_id, number)
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id),
        number INTEGER NOT NULL,
        side TEXT NOT NULL,
        signal TEXT NOT NULL,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        start_deg REAL NOT NULL,
        peak_deg REAL NOT NULL,
        hold_s REAL NOT NULL,
        hold_target_s REAL NOT NULL,
        lift_s REAL NOT NULL,
        lower_s REAL NOT NULL,
        faults TEXT NOT NULL,  -- ';'-separated fault names
        extras TEXT NOT NULL,  -- JSON: exercise-specific measures (Nordic break angle...)
        UNIQUE (set_id, number)
    );
    CREATE TABLE faults (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id),
        rep_number INTEGER NOT NULL,
        time_s REAL NOT NULL,
        fault TEXT NOT NULL,
        cue TEXT NOT NULL
    );
    CREATE INDEX sessions_by_profile ON sessions(profile_id, exercise, started);
    """,
)


def default_db_path() -> Path:
    override = environment().db
    if override:
        return override
    return Path(platformdirs.user_data_dir("repcam")) / "sessions.db"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LoggedSet:
    number: int
    target_reps: int
    reps: tuple[RepMetrics, ...]
    faults: tuple[FaultDetected, ...] = ()


@dataclass(frozen=True)
class LoggedSession:
    id: int
    profile: str
    exercise: str
    source: str
    source_name: str
    model: str
    band: str | None
    target_sets: int
    target_reps: int
    started: str
    ended: str | None
    origin: str | None = None
    sets: tuple[LoggedSet, ...] = field(default=())

    def record(self) -> SessionRecord:
        return SessionRecord(self.exercise, self.started,
                             tuple(s.reps for s in self.sets), self.band)


class SessionLog:
    """The log file, opened for one command. Use as a context manager.

    `read_only` (history, progress, export) changes nothing: a log that does not exist yet
    is read as empty and is not created, and the journal mode is left as it is.
    """

    def __init__(self, path: Path | None = None, *, busy_timeout_s: float = 5.0,
                 read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.busy_timeout_s = busy_timeout_s  # how long to wait for another writer
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        self._empty = False  # read-only and nothing logged yet: every read is empty

    # -- opening ---------------------------------------------------------------------------
    def __enter__(self) -> SessionLog:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        if self.read_only and not self.path.exists():
            self._empty = True
            return
        self._refuse_foreign_file()
        with self._guard("opening the log"):
            self._db = self._connect()
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA foreign_keys = ON")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SessionLogError(
                    f"The session log {self.path} was written by a newer repcam (schema "
                    f"{version}, this one knows {SCHEMA_VERSION}). It was left untouched.",
                    hint="Upgrade repcam (pip install -U repcam), or pass --db to use another "
                    "log.")
            self._refuse_foreign_schema(version)
            if self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            if self.read_only:
                self._empty = version == 0
                return
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")  # a committed rep survives power loss
            self._migrate(version)

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: every statement is its own durable transaction unless grouped.
        if self.read_only:
            return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=self.busy_timeout_s, isolation_level=None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)

    def _refuse_foreign_file(self) -> None:
        """Anything at the path that is not an SQLite file is somebody's data: never touch it."""
        if self.path.is_dir():
            raise SessionLogError(f"The session log {self.path} is a folder.",
                                  hint="Pass --db with a file name, such as sessions.db.")
        if not self.path.exists():
            return
        if not stat.S_ISREG(self.path.stat().st_mode):
            raise SessionLogError(f"The session log {self.path} is not a file but a device "
                                  "or a pipe.", hint="Pass --db with a file name.")
        if self.path.stat().st_size == 0:
            return
        try:
            with self.path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as error:
            raise SessionLogError(f"The session log {self.path} cannot be read ({error}).",
                                  hint="Check its permissions, or pass --db.") from None
        if header != SQLITE_HEADER:
            raise self._damaged()

    def _refuse_foreign_schema(self, version: int) -> None:
        """Another application's SQLite file (its own tables, or its own application id) is
        refused before anything is written to it."""
        assert self._db is not None
        application_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        names = {row[0] for row in self._db.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        ours = application_id in (0, APPLICATION_ID) and (
            names >= REPCAM_TABLES if version else not names)
        if not ours:
            raise SessionLogError(
                f"{self.path} is an SQLite database of another application, not a repcam "
                "session log; it was left untouched.",
                hint="Pass --db with a new file name (or leave --db out to use repcam's own "
                "log).")

    def _damaged(self) -> SessionLogError:
        return SessionLogError(
            f"The session log {self.path} is damaged or is not a repcam log; it was left "
            "untouched.",
            hint=f"Move it aside (e.g. rename it to {self.path.name}.broken) and repcam will "
            f"start a new log; 'sqlite3 {self.path.name} .recover' may rescue its sessions.")

    def _migrate(self, version: int) -> None:
        """Apply the missing migrations, each with its version bump in one transaction."""
        assert self._db is not None
        for target in range(version + 1, SCHEMA_VERSION + 1):
            script = MIGRATIONS[target - 1]
            try:
                self._db.executescript(
                    f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {target}; "
                    f"PRAGMA application_id = {APPLICATION_ID}; COMMIT;")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextlib.contextmanager
    def transaction(self, action: str) -> Iterator[None]:
        """Everything inside is stored whole or not at all."""
        self._execute(action, "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._execute(action, "COMMIT")

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """sqlite3's errors, as sentences a person can act on."""
        try:
            yield
        except SessionLogError:
            raise
        except sqlite3.OperationalError as error:
            raise self._operational(error, action) from None
        except sqlite3.IntegrityError as error:  # the data, not the file, is at fault
            raise SessionLogError(f"The session log {self.path} refused {action} "
                                  f"({error}); nothing stored before is affected.") from None
        except sqlite3.DatabaseError:
            raise self._damaged() from None
        except OSError as error:
            raise SessionLogError(f"The session log {self.path} could not be opened ({error}).",
                                  hint="Check the folder exists and is writable, or pass "
                                  "--db.") from None

    def _operational(self, error: sqlite3.OperationalError, action: str) -> SessionLogError:
        text = str(error).lower()
        kept = "Everything saved before is intact."
        if "locked" in text or "busy" in text:
            return SessionLogError(
                f"The session log {self.path} is busy: another repcam is writing to it, so "
                f"{action} did not happen.",
                hint="Wait for it to finish, or close the other repcam, and try again.")
        if "readonly" in text or "read-only" in text:
            return SessionLogError(f"The session log {self.path} is read-only: {action} "
                                   f"failed. {kept}",
                                   hint="Make the file and its folder writable, or pass --db.")
        if "full" in text or ("disk i/o" in text and self._disk_full()):
            return SessionLogError(f"The disk holding {self.path} is full: {action} failed. "
                                   f"{kept}", hint="Free some disk space and try again.")
        if "disk i/o" in text:
            return SessionLogError(f"The disk holding {self.path} could not be read or written "
                                   f"({error}): {action} failed.",
                                   hint="Check the disk (or the network share), then try again.")
        if "unable to open" in text:
            return SessionLogError(f"The session log {self.path} could not be opened.",
                                   hint="Check the folder exists and is writable, or pass "
                                   "--db.")
        return SessionLogError(f"The session log {self.path} failed while {action}: {error}.")

    def _disk_full(self) -> bool:
        folder = self.path.parent if self.path.parent.exists() else Path.cwd()
        try:
            return shutil.disk_usage(folder).free < 1 << 20
        except OSError:
            return False

    def _execute(self, action: str, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        if self._db is None:
            raise RuntimeError("SessionLog used while closed")
        with self._guard(action):
            return self._db.execute(sql, params)

    def _read(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        return self._execute("reading the log", sql, params)

    # -- writing ---------------------------------------------------------------------------
    def profile_id(self, name: str) -> int:
        self._execute("adding the profile",
                      "INSERT OR IGNORE INTO profiles (name, created) VALUES (?, ?)",
                      (name, now_iso()))
        return self._execute("reading the profile", "SELECT id FROM profiles WHERE name = ?",
                             (name,)).fetchone()[0]

    def start_session(self, *, profile: str, exercise: str, source: str, source_name: str,
                      model: str, target_sets: int, target_reps: int, band: str | None = None,
                      started: str | None = None, origin: str | None = None) -> int:
        profile_id = self.profile_id(profile)
        cursor = self._execute(
            "starting the session",
            "INSERT INTO sessions (profile_id, exercise, source, source_name, model, band, "
            "target_sets, target_reps, started, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (profile_id, exercise, source, source_name, model, band, target_sets, target_reps,
             started or now_iso(), origin))
        return int(cursor.lastrowid)

    def start_set(self, session_id: int, number: int, target_reps: int) -> int:
        cursor = self._execute(
            f"starting set {number}", "INSERT INTO sets (session_id, number, target_reps, started) "
            "VALUES (?, ?, ?, ?)", (session_id, number, target_reps, now_iso()))
        return int(cursor.lastrowid)

    def add_rep(self, set_id: int, rep: RepMetrics, number: int | None = None) -> None:
        """Committed on return: this rep is safe from here on."""
        self._execute(
            f"saving rep {number or rep.index}",
            "INSERT INTO reps (set_id, number, side, signal, start_s, end_s, start_deg, "
            "peak_deg, hold_s, hold_target_s, lift_s, lower_s, faults, extras) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (set_id, number or rep.index, rep.side, rep.signal, rep.start_ms / 1000,
             rep.end_ms / 1000, rep.start_deg, rep.peak_deg, rep.hold_ms / 1000,
             rep.hold_target_ms / 1000, rep.lift_ms / 1000, rep.lower_ms / 1000,
             ";".join(rep.faults), json.dumps(rep.extras)))

    def add_fault(self, set_id: int, fault: FaultDetected) -> None:
        self._execute(f"saving a fault of rep {fault.rep_index}",
                      "INSERT INTO faults (set_id, rep_number, time_s, fault, cue) "
                      "VALUES (?, ?, ?, ?, ?)",
                      (set_id, fault.rep_index, fault.timestamp_ms / 1000, fault.fault,
                       fault.cue))

    def end_set(self, set_id: int) -> None:
        self._execute("closing the set (its reps are saved)",
                      "UPDATE sets SET ended = ? WHERE id = ?", (now_iso(), set_id))

    def end_session(self, session_id: int) -> None:
        self._execute("closing the session (its reps are saved)",
                      "UPDATE sessions SET ended = ? WHERE id = ?",
                      (now_iso(), session_id))

    def has_origin(self, origin: str) -> bool:
        return self._read("SELECT 1 FROM sessions WHERE origin = ?",
                             (origin,)).fetchone() is not None

    # -- reading ---------------------------------------------------------------------------
    def profiles(self) -> list[str]:
        if self._empty:
            return []
        rows = self._read("SELECT name FROM profiles ORDER BY name").fetchall()
        return [row[0] for row in rows]

    def sessions(self, *, profile: str | None = None, exercise: str | None = None,
                 since: str | None = None) -> list[LoggedSession]:
        if self._empty:
            return []
        query = f"{SESSIONS_WITH_PROFILE} WHERE 1=1"
        params: list[object] = []
        for clause, value in (("p.name = ?", profile), ("s.exercise = ?", exercise),
                              ("s.started >= ?", since)):
            if value is not None:
                query += f" AND {clause}"
                params.append(value)
        rows = self._read(query + " ORDER BY s.started, s.id",
                             tuple(params)).fetchall()
        return [self._session(row) for row in rows]

    def session(self, session_id: int) -> LoggedSession | None:
        if self._empty:
            return None
        row = self._read(f"{SESSIONS_WITH_PROFILE} WHERE s.id = ?", (session_id,)).fetchone()
        return self._session(row) if row else None

    def delete_session(self, session_id: int) -> bool:
        """Remove a session with its sets, reps and faults (all or nothing); False if it
        was not there."""
        action = f"deleting session {session_id}"
        of_sets = "SELECT id FROM sets WHERE session_id = ?"
        with self.transaction(action):
            for table in ("faults", "reps"):
                self._execute(action, f"DELETE FROM {table} WHERE set_id IN ({of_sets})",
                              (session_id,))
            self._execute(action, "DELETE FROM sets WHERE session_id = ?", (session_id,))
            gone = self._execute(action, "DELETE FROM sessions WHERE id = ?", (session_id,))
        return gone.rowcount > 0

    def _session(self, row: sqlite3.Row) -> LoggedSession:
        sets = tuple(self._set(s) for s in self._read(
            "SELECT * FROM sets WHERE session_id = ? ORDER BY number",
            (row["id"],)).fetchall())
        return LoggedSession(row["id"], row["profile"], row["exercise"], row["source"],
                             row["source_name"], row["model"], row["band"], row["target_sets"],
                             row["target_reps"], row["started"], row["ended"], row["origin"],
                             sets)

    def _set(self, row: sqlite3.Row) -> LoggedSet:
        reps = tuple(_rep(r) for r in self._read(
            "SELECT * FROM reps WHERE set_id = ? ORDER BY number",
            (row["id"],)).fetchall())
        faults = tuple(FaultDetected(f["time_s"] * 1000, f["fault"], f["cue"], f["rep_number"])
                       for f in self._read("SELECT * FROM faults WHERE set_id = ? "
                                              "ORDER BY time_s", (row["id"],)).fetchall())
        return LoggedSet(row["number"], row["target_reps"], reps, faults)


def _rep(row: sqlite3.Row) -> RepMetrics:
    return RepMetrics(
        index=row["number"], side=Side(row["side"]), start_ms=row["start_s"] * 1000,
        end_ms=row["end_s"] * 1000, signal=row["signal"], start_deg=row["start_deg"],
        peak_deg=row["peak_deg"], hold_ms=row["hold_s"] * 1000,
        hold_target_ms=row["hold_target_s"] * 1000, lift_ms=row["lift_s"] * 1000,
        lower_ms=row["lower_s"] * 1000,
        faults=faults_from(row["faults"]),
        extras=json.loads(row["extras"]))
