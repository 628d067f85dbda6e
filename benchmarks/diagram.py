"""Figure group 3: the network diagram's full repaint against its number of edges, and the
latency of "next phase" from the key press to the diagram repainted (and to the whole
window repainted).

Repaint: a :class:`NetworkView` over a :class:`SessionModel`, shown at 1200 × 800 pixels,
repainted synchronously (``QWidget.repaint``) many times; the reference is an empty
pyqtgraph view of the same size, the floor of painting that many pixels. Edges are every
weight and every bias (n[l] + 1)·n[l+1] summed over the gaps.

Step latency: the main window on a session, the Right key sent to it (as a presenter's
remote does), pending events processed until nothing more is painted; the moment the
diagram reached the screen and the moment the last repaint ended are taken
(:class:`PaintClock`). Timed over every phase of a few samples' steps, so the median is a
typical phase and the note names the slowest.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from benchmarks.display import gui_environment
from benchmarks.table import Figure, emit
from mlpviz.engine.datasets import Dataset
from mlpviz.engine.network import Network, course_example, initialise
from mlpviz.engine.optimizers import OptimizerConfig
from mlpviz.engine.session import Session, default_session
from mlpviz.engine.trainer import TrainingConfig
from mlpviz.gui.app import configure_application
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.network_view import NetworkView
from mlpviz.gui.session_model import SessionModel

GROUP = "diagram"
VIEW_SIZE = (1200, 800)
REPAINT_TARGET_MS = 50.0
STEP_TARGETS_MS = {"2-2-1": 16.0, "784-128-64-10": 100.0}


@dataclass(frozen=True)
class DiagramCase:
    layer_sizes: tuple[int, ...]

    @property
    def title(self) -> str:
        return "-".join(map(str, self.layer_sizes))

    @property
    def edges(self) -> int:
        sizes = self.layer_sizes
        return sum((n + 1) * m for n, m in itertools.pairwise(sizes))

    def network(self) -> Network:
        if self.layer_sizes == (2, 2, 1):
            return course_example()
        hidden = ["tanh"] * (len(self.layer_sizes) - 2)
        return initialise(list(self.layer_sizes), [*hidden, "sigmoid"], "xavier", seed=0)


REPAINT_CASES = (
    DiagramCase((24, 32, 8)),
    DiagramCase((64, 140, 10)),
    DiagramCase((784, 128, 64, 10)),
)
"""About 1,000, 10,000 and 100,000 edges."""
STEP_CASES = (DiagramCase((2, 2, 1)), DiagramCase((784, 128, 64, 10)))


def session_for(case: DiagramCase) -> Session:
    """The course example itself, or a network of these sizes on 16 random samples."""
    if case.layer_sizes == (2, 2, 1):
        return default_session()
    rng = np.random.default_rng(0)
    n_in, n_out = case.layer_sizes[0], case.layer_sizes[-1]
    data = Dataset(
        "benchmark",
        rng.uniform(size=(16, n_in)),
        rng.uniform(size=(16, n_out)),
        np.empty((0, n_in)),
        np.empty((0, n_out)),
    )
    config = TrainingConfig(loss="mse", optimizer=OptimizerConfig("sgd", 0.1))
    return Session(case.network(), config, data)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    """Process events for a while, so deferred layout (label placement timers) is done."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def median_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, maximum) wall time of ``repeats`` calls of ``fn``, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def repaint_figures(app: QApplication, repeats: int, platform: str) -> list[Figure]:
    def shown(widget: QWidget) -> None:
        widget.resize(*VIEW_SIZE)
        widget.show()
        settle(app)

    empty = pg.GraphicsView()
    shown(empty)
    figures = []
    for case in REPAINT_CASES:
        model = SessionModel(session_for(case))
        view = NetworkView(model)
        shown(view)
        # The view's canvas is a QGraphicsView: painting its viewport paints the diagram.
        ours, worst = median_ms(view.canvas.viewport().repaint, repeats)
        floor, _ = median_ms(empty.viewport().repaint, repeats)
        figures.append(
            Figure(
                GROUP,
                f"diagram full repaint, {case.edges:,} edges ({case.title}), {platform}",
                "ms",
                ours,
                floor,
                "empty view, same size",
                reference_is_floor=True,
                target=f"≤ {REPAINT_TARGET_MS:.0f} ms" if case.edges > 50_000 else "",
                met=ours <= REPAINT_TARGET_MS if case.edges > 50_000 else None,
                note=f"slowest {worst:.1f} ms",
            )
        )
        # The repaint above copies pictures the diagram keeps (edges, discs); new weights
        # (a training repaint, an Update, an import) draw them again: timed with the
        # model's handling of the edit, two networks in turn.
        net = model.network
        nets = [net.copy(), net.updated([0.9 * w for w in net.weights], list(net.biases))]
        turn = itertools.cycle(nets)

        def new_weights(
            model: SessionModel = model, view: NetworkView = view, turn: object = turn
        ) -> None:
            model.replace_parameters(next(turn), "benchmark")  # type: ignore[call-overload]
            view.canvas.viewport().repaint()

        redrawn, redrawn_worst = median_ms(new_weights, max(6, repeats // 4))
        figures.append(
            Figure(
                GROUP,
                f"diagram drawn anew after new weights, {case.edges:,} edges ({case.title}), "
                f"{platform}",
                "ms",
                redrawn,
                note=f"slowest {redrawn_worst:.1f} ms; the edit's other work included",
            )
        )
        view.close()
        view.deleteLater()
        settle(app, 0.05)
    empty.close()
    return figures


class PaintClock(QApplication):
    """The application, timing what a key press repaints: every paint is counted, and the
    moment the diagram reached the screen is kept (the end of the repaint holding the
    paint of ``watched``, the diagram's viewport: Qt paints every dirty widget of the
    window, then copies them to the screen, within one such event). If the diagram is
    repainted more than once, the last time counts: the figure errs on the slow side.

    An overridden ``notify`` sees every event, nested ones too, and adds the same few
    microseconds to each; the two moments are measured alike."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.paints = 0
        self.watched: QWidget | None = None
        self.watched_on_screen: float | None = None
        self._repainting = 0  # depth of Paint and UpdateRequest events being delivered
        self._watched_painted = False

    def notify(self, receiver: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
            return super().notify(receiver, event)
        if kind == QEvent.Type.Paint:
            self.paints += 1
            if receiver is self.watched:
                self._watched_painted = True
        self._repainting += 1
        try:
            return super().notify(receiver, event)
        finally:
            self._repainting -= 1
            if self._repainting == 0 and self._watched_painted:
                self._watched_painted = False
                self.watched_on_screen = time.perf_counter()


def key_to_painted(app: PaintClock, window: QWidget) -> tuple[float, float]:
    """Milliseconds from sending the Right key to the window until (the diagram is on the
    screen, every repaint it caused is done): events are processed until a round paints
    nothing more. The diagram's moment is the whole window's if it was not repainted."""
    app.watched_on_screen = None
    start = time.perf_counter()
    QTest.keyClick(window, Qt.Key.Key_Right)
    done = start
    for _ in range(20):
        before = app.paints
        app.processEvents()
        if app.paints == before and done > start:
            break
        if app.paints > before:
            done = time.perf_counter()
    diagram = done if app.watched_on_screen is None else app.watched_on_screen
    return (diagram - start) * 1000, (done - start) * 1000


def step_figures(app: PaintClock, cycles: int, platform: str) -> list[Figure]:
    figures = []
    for case in STEP_CASES:
        model = SessionModel(session_for(case))
        window = MainWindow(model)
        window.show()
        window.activateWindow()
        app.watched = window.network_view.canvas.viewport()
        settle(app, 0.5)
        diagram: dict[str, list[float]] = {}
        whole: dict[str, list[float]] = {}
        for _ in range(cycles * len(model.phases)):
            label = model.phase.label
            on_screen, done = key_to_painted(app, window)
            diagram.setdefault(label, []).append(on_screen)
            whole.setdefault(label, []).append(done)
            settle(app, 0.02)
        target = STEP_TARGETS_MS.get(case.title)
        for what, by_phase in (("diagram", diagram), ("whole window", whole)):
            every = [t for times in by_phase.values() for t in times]
            slowest = max(by_phase, key=lambda k: statistics.median(by_phase[k]))
            worst = statistics.median(by_phase[slowest])
            aimed = what == "diagram" and target is not None
            figures.append(
                Figure(
                    GROUP,
                    f"next phase → {what} repainted, {case.title}, {platform}",
                    "ms",
                    statistics.median(every),
                    target=f"≤ {target:.0f} ms" if aimed else "",
                    met=worst <= target if aimed and target is not None else None,
                    note=f"slowest: from {slowest} {worst:.1f} ms"
                    + ("" if what == "diagram" else "; the formula and plots follow it"),
                )
            )
        app.watched = None
        window.close()
        window.deleteLater()
        settle(app, 0.1)
    return figures


def run(quick: bool = False) -> list[Figure]:
    with gui_environment() as (env, platform):
        os.environ.update(env)
        app = QApplication.instance() or PaintClock(sys.argv[:1])
        assert isinstance(app, PaintClock)
        configure_application(app)
        figures = repaint_figures(app, 10 if quick else 40, platform)
        figures += step_figures(app, 1 if quick else 3, platform)
        return figures


if __name__ == "__main__":
    emit(run(quick="--quick" in sys.argv))
