"""Figure group 4: live training in the main window: repaints per second and samples trained
per second.

The real :class:`MainWindow` on a session, training started as a user starts it (the
window's Train action), the normal event loop left to run for a few seconds, then paused.

- **Repaints per second**: how often the window showed a new state of live training. A
  view shows a hand-over of training to the model (``trained`` emitted while training
  runs) when its viewport receives a paint event after it and before the next hand-over
  (a hand-over replaced by the next before the view painted showed nothing new there).
  The rate is taken from the intervals between the first and the last shown hand-over, as
  a frequency is, for each view that draws training (the diagram, the decision boundary,
  the loss and the accuracy plots); the figure is the view that showed the most, the
  note gives each one's.
- **Samples per second**: the training samples the controller's Trainer went through over
  the same wall time.

The reference for samples per second is the same Trainer with the same settings, run
alone in the same process without a window: the most the window could reach, a ceiling
rather than a race. Rounds alternate between the two, so a burst of other work on the
machine hits both alike; the figures are medians over rounds.

Sessions: the spiral (500 samples, as the window's spiral preset makes it) on 2-8-8-1
tanh/tanh/sigmoid with the preset's training (Adam 0.02, batches of 10, binary
cross-entropy), and the digits on the digits preset's 64-32-10 (ReLU, He initialisation,
Adam 0.005, batches of 32, softmax with cross-entropy). The epoch limit is lifted so that
training runs for the whole measurement. numpy's BLAS runs on one thread, as in the
trainer group: the window's products are small, and a second thread waiting for a core
that other work holds made every repaint cost more (see docs/benchmarks.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from benchmarks.display import gui_environment
from benchmarks.table import Figure, emit
from benchmarks.torch_reference import thread_limit
from mlpviz.engine.datasets import make_dataset
from mlpviz.engine.session import Session
from mlpviz.engine.trainer import Trainer
from mlpviz.gui.app import configure_application
from mlpviz.gui.dataset_presets import dataset_preset, shape_text
from mlpviz.gui.main_window import MainWindow
from mlpviz.gui.session_model import SessionModel

GROUP = "live"
REPAINT_TARGET = 30.0
SAMPLES_TARGET = 50_000.0
"""Targets on the spiral: repaints per second while training this many samples per second."""


@dataclass(frozen=True)
class LiveCase:
    dataset: str
    hidden: tuple[int, ...] | None
    """Hidden layer sizes instead of the preset's; None keeps the preset's."""
    targets: bool

    def session(self) -> Session:
        """The dataset and network as the window's preset loads them, with no epoch limit."""
        preset = dataset_preset(self.dataset)
        assert preset is not None
        if self.hidden is not None:
            preset = replace(preset, hidden=self.hidden)
        data = make_dataset(
            self.dataset, preset.n_samples, preset.noise, preset.test_ratio, preset.seed,
            preset.standardize,
        )  # fmt: skip
        source: dict[str, object] = {
            "kind": "dataset", "name": self.dataset, "n_samples": preset.n_samples,
            "noise": preset.noise, "test_ratio": preset.test_ratio, "seed": preset.seed,
            "standardize": preset.standardize,
        }  # fmt: skip
        config = replace(preset.training(data), epochs=0)
        return Session(preset.network(data), config, data, source, init=preset.init)


CASES = (LiveCase("spiral", (8, 8), True), LiveCase("digits", None, False))


class RepaintCounter(QObject):
    """Counts live hand-overs and, for each watched viewport, the hand-overs it showed:
    those after which it painted before the next hand-over (see the module docstring)."""

    def __init__(self, model: SessionModel, viewports: dict[str, QWidget]) -> None:
        super().__init__()
        self.model = model
        self.names = {id(w): name for name, w in viewports.items()}
        self.handovers = 0
        self.shown: dict[str, list[float]] = {name: [] for name in viewports}
        """When each view showed a hand-over (perf_counter seconds)."""
        self._pending = dict.fromkeys(viewports, False)
        self.counting = False
        model.trained.connect(self._on_trained)
        for widget in viewports.values():
            widget.installEventFilter(self)

    def reset(self) -> None:
        self.handovers = 0
        self.shown = {name: [] for name in self.shown}
        self._pending = dict.fromkeys(self._pending, False)

    def _on_trained(self) -> None:
        if self.counting and self.model.training_live:
            self.handovers += 1
            self._pending = dict.fromkeys(self._pending, True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.counting and event.type() == QEvent.Type.Paint:
            name = self.names.get(id(watched))
            if name is not None and self._pending[name]:
                self.shown[name].append(time.perf_counter())
                self._pending[name] = False
        return False


@dataclass
class LiveRound:
    seconds: float
    handovers: int
    shown: dict[str, list[float]]
    """When each watched view showed a hand-over."""
    samples: int


def event_rate(times: list[float]) -> float:
    """Events per second from their times: intervals between the first and the last, so
    that the ends of the measurement (before the first repaint, after the last) do not
    count as slow frames."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def settle(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def live_round(window: MainWindow, counter: RepaintCounter, seconds: float) -> LiveRound:
    """Play, let the event loop run for ``seconds``, pause; what the window did meanwhile."""
    controller = window.training.controller
    train = window.actions_by_name["train"]
    counter.reset()
    counter.counting = True
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    start = time.perf_counter()
    train.trigger()
    assert controller.running, "the Train action did not start training"
    samples_before = controller.samples
    loop.exec()
    samples = controller.samples - samples_before
    elapsed = time.perf_counter() - start
    counter.counting = False
    train.trigger()
    assert not controller.running, "the Train action did not pause training"
    shown = {name: list(times) for name, times in counter.shown.items()}
    return LiveRound(elapsed, counter.handovers, shown, samples)


def alone_rate(session: Session, seconds: float) -> float:
    """Samples per second of the same Trainer run alone, without a window, for ``seconds``."""
    trainer = Trainer(session.network, session.data, session.training)
    start = time.perf_counter()
    for _ in trainer.run(1 << 40):
        if time.perf_counter() - start >= seconds:
            break
    return trainer.samples / (time.perf_counter() - start)


def measure(app: QApplication, case: LiveCase, rounds: int, seconds: float) -> list[Figure]:
    session = case.session()
    model = SessionModel(session)
    window = MainWindow(model)
    window.show()
    window.activateWindow()
    settle(app, 0.5)
    view = window.network_view
    data_view = window.training.data_view
    loss = window.loss_plot
    counter = RepaintCounter(
        model,
        {
            "diagram": view.canvas.viewport(),
            "decision boundary": data_view.plot_widget.viewport(),
            "loss": loss.plot_widget.viewport(),
            "accuracy": loss.accuracy_widget.viewport(),
        },
    )
    live: list[LiveRound] = []
    alone: list[float] = []
    for _ in range(rounds):
        alone.append(alone_rate(session, seconds / 2))
        live.append(live_round(window, counter, seconds))
        settle(app, 0.2)
    window.close()
    window.deleteLater()
    settle(app, 0.1)

    by_view = {
        name: statistics.median(event_rate(r.shown[name]) for r in live) for name in counter.shown
    }
    shown = max(by_view.values())
    handed = statistics.median(r.handovers / r.seconds for r in live)
    rate = statistics.median(r.samples / r.seconds for r in live)
    ceiling = statistics.median(alone)
    per_view = ", ".join(f"{name} {value:.0f}" for name, value in by_view.items())
    net = session.network
    batch = session.training.batch_size
    title = f"live training {case.dataset} {shape_text(net.layer_sizes)} batch {batch}"
    return [
        Figure(
            GROUP,
            f"{title}: repaints",
            "repaints/s",
            shown,
            target=f"≥ {REPAINT_TARGET:.0f} repaints/s" if case.targets else "",
            met=shown >= REPAINT_TARGET if case.targets else None,
            note=f"hand-overs {handed:.0f}/s; shown per second by the {per_view}",
        ),
        Figure(
            GROUP,
            f"{title}: samples trained",
            "samples/s",
            rate,
            ceiling,
            "the same Trainer alone, no window",
            higher_is_better=True,
            reference_is_floor=True,
            target=f"≥ {SAMPLES_TARGET:,.0f} samples/s" if case.targets else "",
            met=rate >= SAMPLES_TARGET if case.targets else None,
            note=f"{100 * rate / ceiling:.0f} % of the Trainer alone",
        ),
    ]


def run(quick: bool = False) -> list[Figure]:
    with gui_environment() as (env, platform), thread_limit(1):
        os.environ.update(env)
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        configure_application(app)
        figures = []
        for case in CASES:
            for figure in measure(app, case, 1 if quick else 3, 1.5 if quick else 3.0):
                figures.append(replace(figure, name=f"{figure.name}, 1 thread, {platform}"))
        return figures


if __name__ == "__main__":
    emit(run(quick="--quick" in sys.argv))
