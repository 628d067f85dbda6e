"""``mlpviz --self-test``: open the real window on the course example, step it through every
phase with the window's own actions, and check what it shows against the hand-worked values.

It is meant for a freshly built bundle (packaging/) or an install on a new machine: it runs
the same start-up as the app (``configure_application``, ``start_window``: resources found
through importlib.resources, the icon, the settings and recovery machinery), only pointed at
a temporary folder so the user's settings and recovery copies are never touched, and with
dialogs that answer themselves (none should appear). The Qt platform is offscreen unless the
user chose one (``QT_QPA_PLATFORM``), so it also runs without a display.

Each number is read three ways: from the diagram (node and edge texts, the loss label),
from the formula panel's equations, and from the model (full precision); the status bar's
loss too. Every reading must agree with :data:`COURSE_EXAMPLE` to :data:`TOLERANCE`, and
values a phase has not computed yet must not be shown. The exit status is 0 when all agree,
1 otherwise.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, QtMsgType, qInstallMessageHandler, qVersion
from PySide6.QtWidgets import QApplication, QWidget

from mlpviz import __version__
from mlpviz.engine.resources import resource
from mlpviz.gui.app import configure_application, start_window
from mlpviz.gui.file_actions import Dialogs
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.settings import AppSettings

# How many decimals the window shows during the test: the hand-worked values have six.
PRECISION = 6
TOLERANCE = 1e-6

# The course example (Network 2-2-1 sigmoid, W=[[0.2,0.4],[0.6,0.8]], bʰ=[0.1,0.2],
# V=[[0.3,0.5]], bʸ=[0.4], η=0.7, x=(0.5,0.8), y=0, loss (y − ŷ)²), worked by hand:
#   z = W·x + bʰ = (0.1+0.32+0.1, 0.3+0.64+0.2) = (0.52, 1.14); h = σ(z) = (0.627148, 0.757680)
#   u = 0.3·0.627148 + 0.5·0.757680 + 0.4 = 0.966984;  ŷ = σ(u) = 0.724518
#   L = 0.724518² = 0.524926
#   δ_y = 2(ŷ − y)·ŷ(1 − ŷ) = 1.449036·0.724518·0.275482 = 0.289216
#   ∂L/∂V = δ_y·h = (0.181381, 0.219133);  ∂L/∂bʸ = δ_y
#   δ_h = δ_y·V ⊙ h(1 − h) = (0.086765·0.233841, 0.144608·0.183603) = (0.020288, 0.026550)
#   ∂L/∂W = δ_h xᵀ = [[0.010144, 0.016231], [0.013275, 0.021240]];  ∂L/∂bʰ = δ_h
#   p ← p − 0.7·∂L/∂p, after which L = 0.406645.
# (The course page's own backward numbers are wrong; these are not copied from it.)
COURSE_EXAMPLE: dict[str, tuple[float, ...]] = {
    "x": (0.5, 0.8),
    "y": (0.0,),
    "W": (0.2, 0.4, 0.6, 0.8),  # row j holds the weights into hidden neuron j
    "bh": (0.1, 0.2),
    "V": (0.3, 0.5),
    "by": (0.4,),
    "eta": (0.7,),
    "z": (0.52, 1.14),
    "h": (0.627148, 0.757680),
    "u": (0.966984,),
    "y_hat": (0.724518,),
    "L": (0.524926,),
    "delta_y": (0.289216,),
    "dL/dV": (0.181381, 0.219133),
    "delta_h": (0.020288, 0.026550),
    "dL/dW": (0.010144, 0.016231, 0.013275, 0.021240),
    "L_after": (0.406645,),
}

PHASES = ("Input", "Forward 1", "Forward 2", "Loss", "Backward 2", "Backward 1", "Update")
"""The phases of one step of the 2-2-1 network, in the order the Next action visits them."""

# Qt messages of the offscreen platform itself, not of mlpviz (real platforms support these).
PLATFORM_NOTES = ("This plugin does not support",)

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(*indices: int) -> str:
    return "".join(str(k) for k in indices).translate(SUBSCRIPTS)


def _plain(*indices: int) -> str:
    return "".join(str(k) for k in indices)


def _full(value: float) -> str:
    """A model value as text with every digit (numpy scalars included)."""
    return repr(float(value))


def number(text: str | None) -> float | None:
    """The number at the end of a shown text ("… = 0.52", "after the update: 0.406645"),
    with the typographic minus; None when there is none."""
    if text is None:
        return None
    tail = text.rsplit("=", 1)[-1].rsplit(":", 1)[-1]
    try:
        return float(tail.strip().replace("−", "-"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Reading:
    """One number read off the window at one phase.

    ``shown`` is the text read (None: nothing shown); ``expected`` the hand-worked value,
    or None when the phase has not computed it yet and nothing may be shown.
    """

    phase: str
    what: str
    source: str
    shown: str | None
    expected: float | None

    @property
    def ok(self) -> bool:
        if self.expected is None:
            return self.shown is None
        value = number(self.shown)
        return value is not None and abs(value - self.expected) <= TOLERANCE + 1e-12

    def describe(self) -> str:
        shown = "nothing" if self.shown is None else repr(self.shown)
        want = "nothing yet" if self.expected is None else f"{self.expected:.6f}"
        return f"{self.phase}: {self.what} ({self.source}) shows {shown}, expected {want}"


class _Unattended(Dialogs):
    """Answers every dialog without showing it, and remembers that it was asked: the
    self-test makes no edits and opens a good file, so none should appear."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def ask_unsaved(self, parent: QWidget, name: str) -> str:
        self.asked.append(f"asked to save {name}")
        return "discard"

    def ask_yes_no(self, parent: QWidget, title: str, text: str) -> bool:
        self.asked.append(f"asked {title!r}: {text}")
        return False

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(f"warned {title!r}: {text}")

    def open_path(self, parent: QWidget, caption: str, folder: str, filters: str) -> str:
        self.asked.append(f"asked for a file ({caption})")
        return ""

    def save_path(self, parent: QWidget, caption: str, start: str, filters: str) -> str:
        self.asked.append(f"asked for a file ({caption})")
        return ""

    def ask_int(
        self, parent: QWidget, title: str, label: str, value: int, low: int, high: int
    ) -> int | None:
        self.asked.append(f"asked for a number ({title})")
        return None


# --- reading the window ------------------------------------------------------------------
class WindowReader:
    """What a MainWindow shows at its current phase, as text, by quantity."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def node(self, layer: int, index: int) -> dict[str, str]:
        """The lines of a node's text by name: {"z": "0.52", "h": "0.627148"}; an input's
        bare value is under "value"."""
        lines = self.window.network_view.node_text(layer, index).split("\n")[1:]
        values: dict[str, str] = {}
        for line in lines:
            name, sep, value = line.partition(" = ")
            if sep:
                values[name.strip()] = value.strip()
            else:
                values["value"] = line.strip()
        return values

    def edge(self, gap: int, kind: str, j: int, i: int = 0) -> str:
        """The diagram's label text of weights[gap][j, i] (or biases[gap][j]) at this phase,
        whether or not there is room to draw it (the tooltip then carries it)."""
        view = self.window.network_view
        lines, _ = view.diagram_text.edge_lines(gap, kind, j, i, None, view.precision)
        return " ".join(text for text, _, _ in lines)

    def loss_label(self) -> str | None:
        return self.window.network_view.loss_text()

    def formula(self) -> dict[str, str]:
        """The formula panel's equations by left-hand side ("z1", "∂L/∂w21", "δy"; for an
        update "w11 ← w11 − η·∂L/∂w11" under "w11")."""
        text = self.window.formula_panel.equations.toPlainText()
        values: dict[str, str] = {}
        for line in text.split("\n"):
            if " = " not in line:
                continue
            left = line.split(" = ", 1)[0].split(" ← ", 1)[0].strip()
            values.setdefault(left, line.strip())
        return values

    def status(self) -> dict[str, str]:
        """The status bar's phase line by part: {"L": "L = 0.524926", …}."""
        parts = self.window.status_phase.text().split("·")
        return {p.strip().rsplit(" = ", 1)[0]: p.strip() for p in parts if " = " in p}


def read_phase(r: WindowReader, phase: str) -> list[Reading]:
    """The readings to take at ``phase``: each quantity from the diagram, the formula
    panel, the status bar and the model, and the ones the phase has not computed yet
    (which must show nothing)."""
    c = COURSE_EXAMPLE
    eta = c["eta"][0]
    out: list[Reading] = []

    def add(what: str, source: str, shown: str | None, expected: float | None) -> None:
        out.append(Reading(phase, what, source, shown, expected))

    m = r.window.model
    result = m.record.result
    formula = r.formula()
    index = PHASES.index(phase)
    hidden = [r.node(1, j) for j in range(2)]
    output = r.node(2, 0)

    for i in range(2):
        add(f"x{_sub(i + 1)}", "diagram", r.node(0, i).get("value"), c["x"][i])
    if phase == "Input":
        for j in range(2):
            add(f"z{_sub(j + 1)}", "diagram", hidden[j].get("z"), None)
            for i in range(2):
                weight = c["W"][2 * j + i]
                add(f"w{_sub(i + 1, j + 1)}", "diagram", r.edge(0, "weight", j, i), weight)
            add(f"v{_sub(j + 1, 1)}", "diagram", r.edge(1, "weight", 0, j), c["V"][j])
        add("ŷ", "diagram", output.get("ŷ"), None)
        add("x1", "formula", formula.get("x1"), c["x"][0])
        add("x2", "formula", formula.get("x2"), c["x"][1])
    if index >= 1:  # Forward 1 onwards: z and h of the hidden layer
        for j in range(2):
            for name, key in (("z", "z"), ("h", "h")):
                value = c[key][j]
                add(f"{name}{_sub(j + 1)}", "diagram", hidden[j].get(name), value)
                if phase == "Forward 1":
                    add(f"{name}{_sub(j + 1)}", "formula", formula.get(name + _plain(j + 1)), value)
            add(f"z{_sub(j + 1)}", "model", _full(result.forward.z[1][0, j]), c["z"][j])
            add(f"h{_sub(j + 1)}", "model", _full(result.forward.a[1][0, j]), c["h"][j])
    if phase == "Forward 1":
        add("ŷ", "diagram", output.get("ŷ"), None)
    if index >= 2:  # Forward 2 onwards: u and ŷ
        add("u", "diagram", output.get("u"), c["u"][0])
        add("ŷ", "diagram", output.get("ŷ"), c["y_hat"][0])
        add("ŷ", "model", _full(result.forward.a[2][0, 0]), c["y_hat"][0])
        if phase == "Forward 2":
            add("u", "formula", formula.get("u"), c["u"][0])
            add("ŷ", "formula", formula.get("ŷ"), c["y_hat"][0])
            add("L", "diagram", r.loss_label(), None)
    if index >= 3:  # Loss onwards
        add("L", "status bar", r.status().get("L"), c["L"][0])
        add("L", "model", _full(result.backward.loss), c["L"][0])
        if phase != "Update":
            add("L", "diagram", r.loss_label(), c["L"][0])
        if phase == "Loss":
            add("L", "formula", formula.get("L"), c["L"][0])
            add("δʸ", "diagram", output.get("δ"), None)
    if index >= 4:  # Backward 2 onwards: δ_y, ∂L/∂V, ∂L/∂bʸ
        add("δʸ", "diagram", output.get("δ"), c["delta_y"][0])
        add("δʸ", "model", _full(result.backward.delta[2][0, 0]), c["delta_y"][0])
        for j in range(2):
            grad = c["dL/dV"][j]
            add(
                f"∂L/∂v{_sub(j + 1, 1)}",
                "model",
                _full(result.backward.grad_weights[1][0, j]),
                grad,
            )
            if phase in ("Backward 2", "Backward 1"):
                add(f"∂L/∂v{_sub(j + 1, 1)}", "diagram", r.edge(1, "weight", 0, j), grad)
        if phase == "Backward 2":
            add("δʸ", "formula", formula.get("δy"), c["delta_y"][0])
            add("∂L/∂bʸ₁", "diagram", r.edge(1, "bias", 0), c["delta_y"][0])
            for j in range(2):
                add(
                    f"∂L/∂v{_sub(j + 1, 1)}",
                    "formula",
                    formula.get(f"∂L/∂v{j + 1}1"),
                    c["dL/dV"][j],
                )
                add(f"δʰ{_sub(j + 1)}", "diagram", hidden[j].get("δ"), None)
    if index >= 5:  # Backward 1 onwards: δ_h, ∂L/∂W, ∂L/∂bʰ
        for j in range(2):
            delta = c["delta_h"][j]
            add(f"δʰ{_sub(j + 1)}", "diagram", hidden[j].get("δ"), delta)
            add(f"δʰ{_sub(j + 1)}", "model", _full(result.backward.delta[1][0, j]), delta)
            for i in range(2):
                grad = c["dL/dW"][2 * j + i]
                name = f"∂L/∂w{_sub(i + 1, j + 1)}"
                add(name, "model", _full(result.backward.grad_weights[0][j, i]), grad)
                if phase == "Backward 1":
                    add(name, "diagram", r.edge(0, "weight", j, i), grad)
                    add(name, "formula", formula.get(f"∂L/∂w{i + 1}{j + 1}"), grad)
            if phase == "Backward 1":
                add(f"∂L/∂bʰ{_sub(j + 1)}", "diagram", r.edge(0, "bias", j), delta)
                add(f"δʰ{_sub(j + 1)}", "formula", formula.get(f"δh{j + 1}"), delta)
    if phase == "Update":  # p ← p − η·∂L/∂p, and the loss after it
        for j in range(2):
            for i in range(2):
                k = 2 * j + i
                new = c["W"][k] - eta * c["dL/dW"][k]
                name = f"w{_sub(i + 1, j + 1)}"
                add(f"new {name}", "diagram", r.edge(0, "weight", j, i), new)
                add(f"new {name}", "formula", formula.get(f"w{i + 1}{j + 1}"), new)
                add(f"new {name}", "model", _full(m.network.weights[0][j, i]), new)
            new_v = c["V"][j] - eta * c["dL/dV"][j]
            add(f"new v{_sub(j + 1, 1)}", "diagram", r.edge(1, "weight", 0, j), new_v)
            add(f"new v{_sub(j + 1, 1)}", "model", _full(m.network.weights[1][0, j]), new_v)
            new_b = c["bh"][j] - eta * c["delta_h"][j]
            add(f"new bʰ{_sub(j + 1)}", "model", _full(m.network.biases[0][j]), new_b)
        new_by = c["by"][0] - eta * c["delta_y"][0]
        add("new bʸ₁", "diagram", r.edge(1, "bias", 0), new_by)
        add("L after the update", "diagram", r.loss_label(), c["L_after"][0])
        add("L after the update", "status bar", r.status().get("L after update"), c["L_after"][0])
        add("L after the update", "model", _full(m.record.loss_after), c["L_after"][0])
    return out


# --- running it --------------------------------------------------------------------------
@dataclass
class Outcome:
    """What the self-test found: every reading, the phases visited, and anything else wrong."""

    readings: list[Reading]
    phases: list[str]
    problems: list[str]
    qt_messages: list[str]
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.problems and all(r.ok for r in self.readings)


def walk_window(
    window: MainWindow, settle: Callable[[], None]
) -> tuple[list[Reading], list[str], list[str]]:
    """Step ``window`` (a MainWindow on the course example, at its Input phase) through
    every phase with its Next action, reading each; then back to the start with its Back
    action, where the initial weights must be in force again. (readings, phases, problems)."""
    reader = WindowReader(window)
    w = window
    readings: list[Reading] = []
    visited: list[str] = []
    problems: list[str] = []
    for k, phase in enumerate(PHASES):
        if k > 0:
            w.actions_by_name["next"].trigger()
            settle()
        visited.append(w.model.phase.label)
        if visited[-1] != phase:
            problems.append(f"step {k}: the window is at {visited[-1]!r}, expected {phase!r}")
            break
        readings += read_phase(reader, phase)
    for _ in PHASES[1:]:
        w.actions_by_name["back"].trigger()
        settle()
    if w.model.phase.label != "Input" or not w.model.stepper.at_start:
        problems.append(f"Back did not return to the start (at {w.model.phase.label!r})")
    net = w.model.network
    initial = [*net.weights[0].ravel(), *net.weights[1].ravel()]
    expected = [*COURSE_EXAMPLE["W"], *COURSE_EXAMPLE["V"]]
    if any(abs(a - b) > TOLERANCE for a, b in zip(initial, expected, strict=True)):
        problems.append(f"after Back to the start the weights are {initial}, expected {expected}")
    return readings, visited, problems


@contextmanager
def qt_messages() -> Iterator[list[str]]:
    """Collect Qt's own messages (warnings about missing plugins, fonts …) for the report,
    instead of letting them scroll past on stderr."""
    collected: list[str] = []
    names = {QtMsgType.QtWarningMsg: "warning", QtMsgType.QtCriticalMsg: "critical"}

    def handler(kind: QtMsgType, context: object, text: str) -> None:
        if kind in names and not text.startswith(PLATFORM_NOTES):
            collected.append(f"{names[kind]}: {text}")

    qInstallMessageHandler(handler)
    try:
        yield collected
    finally:
        qInstallMessageHandler(None)


def run_self_test(out: TextIO | None = None, *, capture_qt_messages: bool = False) -> int:
    """Run the self-test, print its report on ``out`` (default stdout), return 0 or 1.

    Uses the running QApplication if there is one, otherwise creates it (offscreen unless
    QT_QPA_PLATFORM says otherwise). ``capture_qt_messages`` routes Qt's messages into the
    report (the command line does; tests leave them to pytest-qt).
    """
    stream = sys.stdout if out is None else out
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    start = time.perf_counter()
    if capture_qt_messages:
        with qt_messages() as messages:
            outcome = _run(app)
        outcome.qt_messages = messages
    else:
        outcome = _run(app)
    outcome.seconds = time.perf_counter() - start
    stream.write(report(outcome, app.platformName()))
    stream.flush()
    return 0 if outcome.passed else 1


def _run(app: QApplication) -> Outcome:
    problems: list[str] = []
    configure_application(app)
    sizes = sorted(s.width() for s in app.windowIcon().availableSizes())
    if not sizes:
        problems.append("no application icon found in mlpviz.resources/icons")
    course = resource("examples", "course_example.json")
    if not course.is_file():
        problems.append(f"the course example is missing from the resources ({course})")

    def settle() -> None:
        app.processEvents()

    # ignore_cleanup_errors: on Windows a lock file can outlive the window by a moment.
    with tempfile.TemporaryDirectory(prefix="mlpviz-self-test-", ignore_cleanup_errors=True) as tmp:
        store = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        settings = AppSettings(store)
        settings.set_precision(PRECISION)
        dialogs = _Unattended()
        window = start_window(
            None, settings=settings, dialogs=dialogs, recovery_folder=Path(tmp) / "recovery"
        )
        try:
            settle()
            readings, phases, walk_problems = walk_window(window, settle)
            problems += walk_problems
        finally:
            window.close()
            window.deleteLater()
            settle()
            store.sync()
            del store
        problems += [f"a dialog appeared: {text}" for text in dialogs.asked]
    return Outcome(readings, phases, problems, [], 0.0)


def _wrap_items(items: list[str], width: int) -> list[str]:
    """``items`` joined by ", " into lines of at most ``width`` characters, never breaking
    an item (unless it alone is wider)."""
    lines = [""]
    for item in items:
        if lines[-1] and len(lines[-1]) + 2 + len(item) > width:
            lines[-1] += ","
            lines.append("")
        lines[-1] += (", " if lines[-1] else "") + item
    return lines


def report(outcome: Outcome, platform_name: str) -> str:
    """The report: versions, one line per phase with the diagram's numbers, then every
    mismatch and problem, and the verdict."""
    lines = [
        f"mlpviz {__version__} self-test: Python {platform.python_version()}, "
        f"PySide6 {pyside_version} (Qt {qVersion()}), platform {platform_name}"
        + (", frozen bundle" if getattr(sys, "frozen", False) else ""),
    ]
    seen: set[str] = set()
    for phase in outcome.phases:
        ours = [r for r in outcome.readings if r.phase == phase]
        bad = sum(not r.ok for r in ours)
        # What the diagram newly shows at this phase, as it shows it.
        shown = []
        for r in ours:
            value = number(r.shown)
            if r.source == "diagram" and value is not None and r.what not in seen:
                seen.add(r.what)
                shown.append(f"{r.what} {value:g}")
        verdict = "ok" if bad == 0 else f"{bad} WRONG"
        head = f"  {phase:<10} {len(ours):>2} readings {verdict:<8} "
        body = _wrap_items(shown, 100 - len(head))
        lines.append(head + body[0])
        lines += [" " * len(head) + more for more in body[1:]]
    lines += [f"  MISMATCH {r.describe()}" for r in outcome.readings if not r.ok]
    lines += [f"  PROBLEM {p}" for p in outcome.problems]
    lines += [f"  Qt {m}" for m in outcome.qt_messages]
    total = len(outcome.readings)
    if outcome.passed:
        lines.append(
            f"passed: {total} readings of {len(outcome.phases)} phases match the hand-worked "
            f"values to {TOLERANCE:g} ({outcome.seconds:.1f} s)"
        )
    else:
        wrong = sum(not r.ok for r in outcome.readings)
        lines.append(
            f"FAILED: {wrong} of {total} readings wrong, {len(outcome.problems)} other "
            f"problem{'' if len(outcome.problems) == 1 else 's'} ({outcome.seconds:.1f} s)"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    """The ``mlpviz --self-test`` command: run, report on stdout, exit status 0 or 1."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        # A console that cannot encode δ or ∂ (Windows cp1252) gets escapes, not a crash.
        reconfigure(errors="backslashreplace")
    return run_self_test(capture_qt_messages=True)
