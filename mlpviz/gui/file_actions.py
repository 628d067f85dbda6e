"""The File menu: New, Open, Open Recent, Save, Save As, Revert, Import Weights, Quit.

:class:`FileActions` keeps the open session's file: its path, whether the window holds
unsaved changes, and the window title ("name[*] — mlpviz", Qt shows the ``*`` while
modified). Modified means "Save would write something different from what was last
saved or opened": user edits, updates done by stepping or training, edited samples, a
new sample or optimizer state. Moving between the phases of a step alone is not a change.

Nothing is lost without asking: New, Open and closing the window ask to save unsaved
changes first; a file that cannot be opened leaves the open session as it was and says
why; a save that fails (read-only folder, full disk) says so and keeps the changes.

Where the step stands and how the window looks are saved in the session's free-form
``view`` object (:func:`capture_view`, :func:`restore_view`) and restored on open.

Every question and file chooser goes through :class:`Dialogs`, one small object that
tests replace so that nothing ever blocks.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMenuBar,
    QMessageBox,
    QWidget,
)

from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import Network
from mlpviz.engine.optimizers import OptimizerState
from mlpviz.engine.session import (
    Session,
    SessionError,
    default_session,
    load_session,
    save_session,
)
from mlpviz.engine.stepper import PhaseKind
from mlpviz.engine.trainer import History
from mlpviz.engine.weights_io import WeightsError, load_weights
from mlpviz.gui.session_model import Selection
from mlpviz.gui.settings import AppSettings

if TYPE_CHECKING:
    from mlpviz.gui.main_window import MainWindow

SESSION_FILTER = "mlpviz sessions (*.json);;All files (*)"
WEIGHTS_FILTER = "Weights (*.json *.npz);;All files (*)"
UNTITLED = "Untitled session"


class Dialogs:
    """The questions, messages and file choosers of the file and export actions.

    Tests replace an instance's methods (or the whole object) so nothing blocks; the
    answers are plain values: a path ("" when cancelled), a choice, a number or None.
    """

    def ask_unsaved(self, parent: QWidget, name: str) -> str:
        """The answer "save", "discard" or "cancel" about unsaved changes to ``name``."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.warning(
            parent,
            "Unsaved changes",
            f"Save the changes to {name} before closing it?\n\n"
            "Your changes are lost if you don't save them.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def ask_yes_no(self, parent: QWidget, title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(parent, title, text, buttons.Yes | buttons.No, buttons.No)
        return bool(answer == buttons.Yes)

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def open_path(self, parent: QWidget, caption: str, folder: str, filters: str) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
        return str(path)

    def save_path(self, parent: QWidget, caption: str, start: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, caption, start, filters)
        return str(path)

    def ask_int(
        self, parent: QWidget, title: str, label: str, value: int, low: int, high: int
    ) -> int | None:
        number, ok = QInputDialog.getInt(parent, title, label, value, low, high)
        return int(number) if ok else None


# --- what is compared to tell "modified" -----------------------------------------------------


def _same_arrays(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


def _same_network(a: Network | None, b: Network | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.equals(b)


def _same_data(a: Dataset, b: Dataset) -> bool:
    arrays = ("x_train", "y_train", "x_test", "y_test")
    names = ("name", "task", "feature_names", "target_names", "class_names")
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in arrays) and all(
        getattr(a, k) == getattr(b, k) for k in names
    )


def _same_state(a: OptimizerState | None, b: OptimizerState | None) -> bool:
    a, b = a or OptimizerState(), b or OptimizerState()
    return (
        a.t == b.t
        and _same_arrays(a.velocity, b.velocity)
        and _same_arrays(a.m, b.m)
        and _same_arrays(a.v, b.v)
    )


def _same_history(a: History | None, b: History | None) -> bool:
    a, b = a or History(), b or History()
    columns = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
    return all(
        np.array_equal(
            np.asarray(getattr(a, k), dtype=float),
            np.asarray(getattr(b, k), dtype=float),
            equal_nan=True,
        )
        for k in columns
    )


def same_content(a: Session, b: Session) -> bool:
    """Whether two sessions hold the same work: every number and setting, but not the view
    (where the step stands, docks, precision)."""
    return (
        _same_network(a.network, b.network)
        and _same_network(a.initial_network, b.initial_network)
        and a.training == b.training
        and _same_data(a.data, b.data)
        and a.data_source == b.data_source
        and a.sample == b.sample
        and _same_state(a.optimizer_state, b.optimizer_state)
        and _same_history(a.history, b.history)
        and (a.name, a.description, a.init) == (b.name, b.description, b.init)
    )


# --- the view: where the step stands and how the window looks -----------------------------


DOCK_AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "top": Qt.DockWidgetArea.TopDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}
MAX_DOCK_SIZE = 10_000


def _dock_view(window: MainWindow, dock: QDockWidget) -> dict[str, object]:
    area = window.dockWidgetArea(dock)
    name = next((k for k, v in DOCK_AREAS.items() if v == area), "right")
    view: dict[str, object] = {"visible": not dock.isHidden(), "area": name}
    tabbed = window.tabifiedDockWidgets(dock)
    in_sight = not dock.visibleRegion().isEmpty()
    if tabbed:
        # The docks sharing its place (by name), and whether its tab is the one in front.
        view["tabbed_with"] = [k for k, d in window.docks.items() if d in tabbed]
        view["in_front"] = in_sight
    if not (tabbed and window.isVisible() and not in_sight):
        # A dock behind another tab still says the size it had when last in front:
        # restored, that stale size would resize the tab in front.
        view.update(width=dock.width(), height=dock.height())
    return view


def capture_view(window: MainWindow) -> dict[str, object]:
    """The ``view`` object of a session saved from ``window``: the phase, the selection,
    the diagram's decimals, the gradient-check toggle, per dock whether it shows, its
    side of the window, the docks it shares a place with as tabs (and whether its tab is
    in front) and its size (not for a tab behind another), and
    (mlpviz.gui.lecture_hall) which toolbars show and which panels presentation mode shows.

    The docks are described in plain JSON, not as Qt's saveState bytes: restoreState
    crashes on damaged bytes, and a session file may come from anywhere.
    """
    m = window.model
    sel = m.selection
    view: dict[str, object] = {
        "phase": m.phase.label,
        "selection": None
        if sel is None
        else {"kind": sel.kind, "layer": sel.layer, "index": sel.index, "source": sel.source},
        "precision": window.network_view.precision,
        "gradcheck": m.gradcheck,
        "docks": {name: _dock_view(window, dock) for name, dock in window.docks.items()},
    }
    # Toolbars, status bar and presentation panels (mlpviz.gui.lecture_hall); the window
    # makes it after the File menu, which takes a first snapshot before it exists.
    lecture = getattr(window, "lecture", None)
    if lecture is not None:
        view.update(lecture.capture_view())
    return view


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _selection(value: object, sizes: Sequence[int]) -> Selection | None:
    """A selection from a saved view, None unless it names an item of this network."""
    if not isinstance(value, Mapping):
        return None
    kind, layer, index = value.get("kind"), value.get("layer"), value.get("index")
    source = value.get("source", 0)
    if not (_is_int(layer) and _is_int(index) and _is_int(source)):
        return None
    assert isinstance(layer, int) and isinstance(index, int) and isinstance(source, int)
    depth = len(sizes) - 1
    if kind == "neuron":
        ok = 0 <= layer <= depth and 0 <= index < sizes[layer]
    elif kind in ("weight", "bias"):
        ok = 0 <= layer < depth and 0 <= index < sizes[layer + 1]
        ok = ok and (kind == "bias" or 0 <= source < sizes[layer])
    else:
        return None
    return Selection(str(kind), layer, index, source) if ok else None


def _size(value: object) -> int | None:
    return value if _is_int(value) and 0 < value <= MAX_DOCK_SIZE else None  # type: ignore[operator]


def _restore_docks(window: MainWindow, docks: Mapping[str, object]) -> None:
    """Each named dock's side, visibility and size, as far as the saved values make sense."""
    widths: list[tuple[QDockWidget, int]] = []
    heights: list[tuple[QDockWidget, int]] = []
    for name, saved in docks.items():
        dock = window.docks.get(name)
        if dock is None or not isinstance(saved, Mapping):
            continue
        area = DOCK_AREAS.get(saved.get("area"))  # type: ignore[arg-type]
        if area is not None and window.dockWidgetArea(dock) != area:
            window.addDockWidget(area, dock)
        visible = saved.get("visible")
        if isinstance(visible, bool):
            dock.setVisible(visible)
        if (width := _size(saved.get("width"))) is not None:
            widths.append((dock, width))
        if (height := _size(saved.get("height"))) is not None:
            heights.append((dock, height))
    _restore_tabs(window, docks)
    window.resize_docks(widths, heights)


def _restore_tabs(window: MainWindow, docks: Mapping[str, object]) -> None:
    """Docks saved as tabs of one place become tabs again (a dock moved to its saved side
    by addDockWidget stands beside the others there), and the tab saved in front comes to
    the front."""
    front: list[QDockWidget] = []
    for name, saved in docks.items():
        dock = window.docks.get(name)
        if dock is None or not isinstance(saved, Mapping):
            continue
        partners = saved.get("tabbed_with")
        if isinstance(partners, list):
            for partner in partners:
                other = window.docks.get(partner) if isinstance(partner, str) else None
                if (
                    other is not None
                    and other is not dock
                    and window.dockWidgetArea(other) == window.dockWidgetArea(dock)
                ):
                    if other not in window.tabifiedDockWidgets(dock):
                        window.tabifyDockWidget(other, dock)
                    break
        if saved.get("in_front") is True:
            front.append(dock)
    for dock in front:
        dock.raise_()


def restore_view(window: MainWindow, view: Mapping[str, object]) -> None:
    """Bring ``window`` back to a saved ``view`` (see :func:`capture_view`). The view is
    free-form: an entry that is missing, of the wrong type or out of range is skipped, so
    a hand-edited view never stops a session from opening."""
    m = window.model
    docks = view.get("docks")
    if isinstance(docks, Mapping):
        _restore_docks(window, docks)
    precision = view.get("precision")
    if _is_int(precision):
        assert isinstance(precision, int)
        if 0 <= precision <= 12:
            window.network_view.set_precision(precision)
    gradcheck = view.get("gradcheck")
    if isinstance(gradcheck, bool):
        m.set_gradcheck(gradcheck)
    m.select(_selection(view.get("selection"), m.network.layer_sizes))
    label = view.get("phase")
    for phase in m.phases:
        if phase.label == label and phase != m.phase:
            m.go_to(phase)
    lecture = getattr(window, "lecture", None)
    if lecture is not None:
        lecture.restore_view(view)


# --- the File menu ---------------------------------------------------------------------------


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


class FileActions(QObject):
    """The open session's file and the File menu's actions for one :class:`MainWindow`.

    Signals: ``modified_changed(bool)``, ``path_changed()``.
    """

    modified_changed = Signal(bool)
    path_changed = Signal()

    def __init__(
        self,
        window: MainWindow,
        settings: AppSettings | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model
        self.settings = settings if settings is not None else AppSettings()
        self.dialogs = dialogs if dialogs is not None else Dialogs()
        self.path: str | None = None
        # A MainWindow made on its own (as in view tests) closes without asking; the app
        # (mlpviz.gui.app.start_window) turns the question on.
        self.ask_before_closing = False
        self._saved: Session | None = None  # the content last saved or opened
        self._saved_view: dict[str, object] = {}
        self._modified = False
        self._content_of: tuple[object, ...] | None = None
        """What the last refresh found the content made of (see refresh)."""
        self.actions: dict[str, QAction] = {}
        self._build_actions()
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        self.mark_saved()
        m = self.model
        for signal in (m.stepped, m.network_changed, m.structure_changed):
            signal.connect(self.refresh)
        m.undo_stack.cleanChanged.connect(self.refresh)

    # --- the session as it would be saved --------------------------------------------
    def content(self) -> Session:
        """The open session as Save would write it, without the view.

        In the Update phase the model's parameters in force are those after the update;
        the session keeps those before it (and the optimizer before it), so that opening
        it recomputes the same step and stands at the same Update, not one further.
        """
        m = self.model
        s = m.to_session()
        if m.phase.kind is PhaseKind.UPDATE:
            rec = m.record
            s = replace(
                s,
                network=rec.result.before.copy(),
                optimizer_state=copy.deepcopy(rec.optimizer_before.state),
            )
        return s

    def snapshot(self) -> Session:
        """The open session as Save writes it, with the view (see :func:`capture_view`)."""
        return replace(self.content(), view=capture_view(self.window))

    # --- modified state and title ----------------------------------------------------
    def is_modified(self) -> bool:
        return self._modified

    def display_name(self) -> str:
        if self.path:
            return Path(self.path).name
        return self.model.session.name or UNTITLED

    def refresh(self) -> None:
        """Recompute "modified" and update the title and the actions."""
        # What content() is made of, by identity: through a sample's phases (and the two
        # signals of a step into Update) it stays the same, and gathering and comparing
        # the whole session again cost every step a millisecond.
        m, st = self.model, self.model.stepper
        made_of = (
            st, st.record, m.phase.kind is PhaseKind.UPDATE, st.network, st.initial_network,
            st.x, st.y, m.config, m.session, m.session.history, self._saved, self.path,
        )  # fmt: skip
        if self._content_of is not None and all(
            a is b for a, b in zip(made_of, self._content_of, strict=True)
        ):
            return
        self._content_of = made_of
        modified = self._saved is None or not same_content(self.content(), self._saved)
        changed = modified != self._modified
        self._modified = modified
        w = self.window
        w.setWindowTitle(f"{self.display_name()}[*] — mlpviz")
        w.setWindowFilePath(self.path or "")
        w.setWindowModified(modified)
        self.actions["revert"].setEnabled(modified)
        if changed:
            self.modified_changed.emit(modified)

    def mark_saved(self) -> None:
        """What the window holds now is what was saved or opened."""
        self._saved = self.content()
        self._saved_view = capture_view(self.window)
        self.model.undo_stack.setClean()
        self.refresh()

    def _set_path(self, path: str | None) -> None:
        path = os.path.abspath(path) if path else None
        if path != self.path:
            self.path = path
            self.path_changed.emit()

    # --- actions ---------------------------------------------------------------------
    def _action(
        self,
        name: str,
        text: str,
        slot: object,
        keys: Sequence[QKeySequence.StandardKey | str] = (),
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"file-{name}")
        sequences: list[QKeySequence] = []
        for key in keys:
            if isinstance(key, QKeySequence.StandardKey):
                sequences.extend(QKeySequence.keyBindings(key))
            else:
                sequences.append(QKeySequence(key))
        action.setShortcuts(sequences)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        # Save As has no standard key on some platforms (Windows): Ctrl+Shift+S then.
        save_as_keys: list[QKeySequence.StandardKey | str] = [key.SaveAs]
        if not QKeySequence.keyBindings(key.SaveAs):
            save_as_keys.append("Ctrl+Shift+S")
        self._action("new", "&New", self.new, [key.New], "A new session (the course example)")
        self._action("open", "&Open…", self.open, [key.Open], "Open a session file")
        self._action("save", "&Save", self.save, [key.Save], "Save the session")
        self._action("save_as", "Save &As…", self.save_as, save_as_keys, "Save under a new name")
        self._action("revert", "Re&vert", self.revert, [], "Go back to the last saved version")
        self._action(
            "import_weights",
            "&Import Weights…",
            self.import_weights,
            [],
            "Load weights and biases from a JSON or .npz file into this network",
        )
        self._action("quit", "&Quit", self.window.close, [key.Quit], "Close the window")

    def build_menu(self, menu_bar: QMenuBar) -> QMenu:
        """The File menu, inserted first in ``menu_bar``."""
        menu = QMenu("&File", menu_bar)
        a = self.actions
        menu.addAction(a["new"])
        menu.addAction(a["open"])
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(a["save"])
        menu.addAction(a["save_as"])
        menu.addAction(a["revert"])
        menu.addSeparator()
        menu.addAction(a["import_weights"])
        menu.addSeparator()
        menu.addAction(a["quit"])
        first = menu_bar.actions()[0] if menu_bar.actions() else None
        menu_bar.insertMenu(first, menu)
        return menu

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = self.settings.recent_files()
        for n, path in enumerate(files, start=1):
            text = f"&{n} {Path(path).name}" if n < 10 else Path(path).name
            action = menu.addAction(text)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not files:
            menu.addAction("No recent files").setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction("Clear Menu").triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._fill_recent_menu()

    # --- asking first ----------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when the open session may be dropped: nothing unsaved, or the user saved
        it or chose to discard it. False when they cancelled or saving failed."""
        self.refresh()
        if not self._modified:
            return True
        answer = self.dialogs.ask_unsaved(self.window, self.display_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def confirm_close(self) -> bool:
        """Whether the window may close now (asks about unsaved changes when the app has
        turned the question on)."""
        return not self.ask_before_closing or self.maybe_save()

    # --- New, Open, Revert -------------------------------------------------------------
    def new(self) -> bool:
        """A new, untitled session: the course example."""
        if not self.maybe_save():
            return False
        if not self._load(default_session(), "New"):
            return False
        self._set_path(None)
        self.mark_saved()
        return True

    def open(self) -> bool:
        """Ask for a session file and open it."""
        if not self.maybe_save():
            return False
        folder = self.settings.last_folder() or str(Path.home())
        path = self.dialogs.open_path(self.window, "Open session", folder, SESSION_FILTER)
        return bool(path) and self.open_path(path, ask=False)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open the session file at ``path``. A file that cannot be opened leaves the open
        session untouched and a message names the problem."""
        if ask and not self.maybe_save():
            return False
        name = Path(path).name
        try:
            session = load_session(path)
        except (SessionError, OSError) as e:
            if isinstance(e, FileNotFoundError):
                self.settings.remove_recent_file(path)
            self._could_not("Open", f"Could not open {name}:\n{_reason(e)}")
            return False
        except Exception as e:  # no file may crash the app
            self._could_not("Open", f"Could not open {name}: {type(e).__name__}: {e}")
            return False
        if not self._load(session, "Open", name):
            return False
        self._set_path(path)
        self.settings.add_recent_file(path)
        self.mark_saved()
        self.window.statusBar().showMessage(f"Opened {self.path}", 6000)
        return True

    def _could_not(self, title: str, text: str) -> None:
        self.dialogs.warn(self.window, title, f"{text}\n\nThe session you have open is unchanged.")

    def _load(self, session: Session, title: str, name: str = "") -> bool:
        """Put ``session`` in the window and restore its view; on any failure put back
        what was open before."""
        before = self.snapshot()
        try:
            self.model.load(session)
            restore_view(self.window, session.view)
        except Exception as e:  # a file that parses but breaks the model
            self.model.load(before)
            restore_view(self.window, before.view)
            self._could_not(title, f"Could not open {name or 'the session'}: {_reason(e)}")
            return False
        return True

    def opened(self, path: str | None) -> None:
        """The model already holds the session read from ``path`` (None: not from a file),
        as at start: restore its view, show its name and call it saved."""
        restore_view(self.window, self.model.session.view)
        self._set_path(path)
        if path:
            self.settings.add_recent_file(path)
        self.mark_saved()

    def adopt(self, session: Session, path: str | None) -> bool:
        """Open ``session`` (e.g. restored after a crash) as unsaved changes to ``path``."""
        if not self._load(session, "Restore"):
            return False
        self._set_path(path)
        self._saved = None
        self.refresh()
        return True

    def revert(self) -> bool:
        """Drop the unsaved changes (after asking): the saved file again."""
        self.refresh()
        if not self._modified:
            return False
        if not self.dialogs.ask_yes_no(
            self.window,
            "Revert",
            f"Discard the changes to {self.display_name()} and go back to its saved version?",
        ):
            return False
        if self.path is not None:
            return self.open_path(self.path, ask=False)
        if self._saved is None:
            return False
        if not self._load(replace(self._saved, view=self._saved_view), "Revert"):
            return False
        self.mark_saved()
        return True

    # --- Save --------------------------------------------------------------------------
    def save(self) -> bool:
        return self.save_as() if self.path is None else self.save_to(self.path)

    def save_as(self) -> bool:
        if self.path:
            start = self.path
        else:
            folder = self.settings.last_folder() or str(Path.home())
            base = self.model.session.name or "session"
            start = str(Path(folder) / f"{base.lower().replace(' ', '_')}.json")
        path = self.dialogs.save_path(self.window, "Save session as", start, SESSION_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the session to ``path`` (atomically). On failure a message says why and
        the window keeps its unsaved changes."""
        session = self.snapshot()
        try:
            save_session(path, session)
        except (OSError, SessionError) as e:
            self.dialogs.warn(
                self.window,
                "Save",
                f"Could not save {Path(path).name}:\n{_reason(e)}\n\n"
                "Your changes are still here, unsaved. Try another folder or free some space.",
            )
            self.refresh()
            return False
        self._set_path(path)
        self.settings.add_recent_file(path)
        self.mark_saved()
        self.window.statusBar().showMessage(f"Saved {self.path}", 6000)
        return True

    # --- weights -------------------------------------------------------------------------
    def import_weights(self) -> bool:
        """Load weights and biases from a JSON or .npz file into the network (undoable)."""
        folder = self.settings.last_folder() or str(Path.home())
        path = self.dialogs.open_path(self.window, "Import weights", folder, WEIGHTS_FILTER)
        return bool(path) and self.import_weights_from(path)

    def import_weights_from(self, path: str) -> bool:
        name = Path(path).name
        try:
            net = load_weights(path, self.model.network)
        except (WeightsError, OSError) as e:
            self.dialogs.warn(
                self.window,
                "Import weights",
                f"Could not import weights from {name}:\n{_reason(e)}\n\nThe network is unchanged.",
            )
            return False
        self.model.replace_parameters(net, f"Import weights from {name}")
        return True
