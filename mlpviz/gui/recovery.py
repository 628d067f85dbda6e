"""Crash recovery: while the window holds unsaved changes, a copy of the session is kept in a
recovery folder, and the next start offers to restore it if the app did not close normally.

The copy is an ordinary session file (written atomically with
:func:`mlpviz.engine.session.save_session`) whose ``view`` also records, under
``"recovery"``, the file it is a copy of. It is written every :data:`RECOVERY_INTERVAL_MS`
while there are changes not yet in a copy, and as soon as a step is completed (the Update
phase reached or an update passed, at most once per :data:`STEP_WRITE_GAP_MS`). Saving
deletes it; so does closing the window normally, since the user was asked then.

Which copies are orphans: each running window holds an operating-system lock on a lock file
beside its copy (``flock`` / ``msvcrt.locking``). The OS drops the lock when the process
ends, however it ends (even SIGKILL), so a copy whose lock can be taken belongs to no
running mlpviz and is offered at the next start.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from mlpviz.engine.session import Session, SessionError, load_session, save_session
from mlpviz.engine.stepper import PhaseKind
from mlpviz.gui.file_actions import Dialogs, FileActions

RECOVERY_INTERVAL_MS = 30_000
"""How often unsaved changes are copied to the recovery folder."""
STEP_WRITE_GAP_MS = 1_000
"""Completed steps write a copy at most this often (holding Right must not write per key)."""
SUFFIX = ".recovery.json"
VIEW_KEY = "recovery"
"""The key in the copy's ``view`` that says which file it is a copy of and when it was made."""


def default_recovery_folder() -> Path:
    """``recovery`` under the platform's application data folder (QStandardPaths)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "recovery"


class ProcessLock:
    """An exclusive OS lock on a file, held until :meth:`release` or until the process ends.

    A second lock on the same file fails while this one is held, in this process or another.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        try:
            f = open(self.path, "a+b")  # held open while locked
        except OSError:
            return False
        try:
            _lock(f)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def release(self, delete: bool = False) -> None:
        f, self._file = self._file, None
        if f is None:
            return
        if delete:
            # Delete while still holding the lock, so no other process locks it meanwhile.
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            _unlock(f)
        f.close()


if os.name == "nt":
    import msvcrt

    def _lock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _lock_path(copy: Path) -> Path:
    return copy.with_name(copy.name[: -len(SUFFIX)] + ".lock")


class RecoveryWriter(QObject):
    """Keeps a recovery copy of one window's unsaved session in ``folder``.

    Signal ``written(str)``: the path of a copy just written.
    """

    written = Signal(str)

    def __init__(
        self,
        file_actions: FileActions,
        folder: Path,
        interval_ms: int = RECOVERY_INTERVAL_MS,
        step_gap_ms: int = STEP_WRITE_GAP_MS,
    ) -> None:
        super().__init__(file_actions)
        self.file_actions = file_actions
        self.model = file_actions.model
        self.folder = Path(folder)
        name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = self.folder / f"{name}{SUFFIX}"
        self._lock = ProcessLock(_lock_path(self.path))
        self._locked = False
        self._changed = False  # changes since the last copy
        self._last_step = self.model.stepper.step_number
        self._last_step_write = 0.0
        self._failed_once = False
        self._step_gap_ms = step_gap_ms

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.timeout.connect(self.write_now)

        m = self.model
        for signal in (m.network_changed, m.structure_changed, m.undo_stack.indexChanged):
            signal.connect(self._on_change)
        m.stepped.connect(self._on_stepped)
        file_actions.modified_changed.connect(self._on_modified_changed)
        file_actions.window.closing.connect(self.close)

    # --- when to write -----------------------------------------------------------------
    def _on_change(self) -> None:
        self._changed = True

    def _on_timer(self) -> None:
        if self._changed:
            self.write_now()

    def _on_stepped(self) -> None:
        self._changed = True
        st = self.model.stepper
        completed = self.model.phase.kind is PhaseKind.UPDATE or st.step_number != self._last_step
        self._last_step = st.step_number
        if not completed or not self.file_actions.is_modified():
            return
        wait = self._last_step_write + self._step_gap_ms / 1000 - time.monotonic()
        if wait <= 0:
            self.write_now()
        elif not self._step_timer.isActive():
            self._step_timer.start(int(wait * 1000) + 1)

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified:  # saved, reverted or undone: nothing to recover
            self._step_timer.stop()
            self.discard()

    # --- writing -------------------------------------------------------------------------
    def recovery_session(self) -> Session:
        """The session as it would be saved, its view noting the file it is a copy of."""
        s = self.file_actions.snapshot()
        note = {"path": self.file_actions.path, "written": datetime.now().isoformat(" ", "seconds")}
        return replace(s, view={**s.view, VIEW_KEY: note})

    def write_now(self) -> bool:
        """Write the copy if there are unsaved changes; False if there were none or it
        failed (said once in the status bar, never in a dialog)."""
        self._changed = False
        if not self.file_actions.is_modified():
            self.discard()
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self._locked:
                self._locked = self._lock.acquire()
            save_session(self.path, self.recovery_session())
        except (OSError, SessionError) as e:
            if not self._failed_once:
                self._failed_once = True
                self.file_actions.window.statusBar().showMessage(
                    f"Could not write a recovery copy in {self.folder}: {e}", 10000
                )
            return False
        self._last_step_write = time.monotonic()
        self.written.emit(str(self.path))
        return True

    def discard(self) -> None:
        """Remove this window's copy (its work is saved or was knowingly dropped)."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def close(self) -> None:
        """The window closed normally: no copy, no lock."""
        self.timer.stop()
        self._step_timer.stop()
        self.discard()
        if self._locked:
            self._lock.release(delete=True)
            self._locked = False


# --- at the next start ----------------------------------------------------------------------


@dataclass
class RecoveryCopy:
    """A copy left by an mlpviz that did not close normally; its lock is held by us."""

    path: Path
    lock: ProcessLock

    @property
    def modified_time(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.lock.release(delete=True)

    def release(self) -> None:
        self.lock.release()


def orphaned_copies(folder: Path) -> list[RecoveryCopy]:
    """Copies in ``folder`` whose mlpviz is no longer running, newest first. Each is locked
    until :meth:`RecoveryCopy.remove` or :meth:`RecoveryCopy.release`."""
    try:
        candidates = sorted(Path(folder).glob(f"*{SUFFIX}"))
    except OSError:
        return []
    found = []
    for path in candidates:
        lock = ProcessLock(_lock_path(path))
        if lock.acquire():
            found.append(RecoveryCopy(path, lock))
    found.sort(key=lambda c: c.modified_time, reverse=True)
    return found


def offer_recovery(file_actions: FileActions, folder: Path, dialogs: Dialogs | None = None) -> bool:
    """If an earlier mlpviz left unsaved work behind, offer to restore the newest copy.
    True when it was restored (it then shows as unsaved changes to its file). Declined
    copies are deleted; other orphans stay for the next start."""
    copies = orphaned_copies(folder)
    if not copies:
        return False
    dialogs = dialogs if dialogs is not None else file_actions.dialogs
    newest, others = copies[0], copies[1:]
    for c in others:
        c.release()
    window = file_actions.window
    try:
        session = load_session(newest.path)
    except (SessionError, OSError) as e:
        dialogs.warn(window, "Recovery", f"A recovery copy could not be read and is removed:\n{e}")
        newest.remove()
        return False
    note = session.view.get(VIEW_KEY)
    note = note if isinstance(note, dict) else {}
    original = note.get("path") if isinstance(note.get("path"), str) else None
    when = note.get("written") if isinstance(note.get("written"), str) else "earlier"
    name = Path(original).name if original else (session.name or "an untitled session")
    restore = dialogs.ask_yes_no(
        window,
        "Restore unsaved work?",
        f"mlpviz did not close normally. Unsaved changes to {name} from {when} were kept.\n\n"
        "Restore them? (No deletes the copy.)",
    )
    if not restore:
        newest.remove()
        return False
    view = {k: v for k, v in session.view.items() if k != VIEW_KEY}
    restored = file_actions.adopt(replace(session, view=view), original)
    newest.remove()
    return restored
