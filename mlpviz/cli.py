"""The ``mlpviz`` command.

``mlpviz`` and ``mlpviz FILE.json`` open the window; the sub-commands run headless:

- ``mlpviz trace SESSION``: one online step on a sample, every equation with its numbers;
- ``mlpviz train SESSION``: train with the session's settings, optionally save the result;
- ``mlpviz gradcheck SESSION``: backpropagation against central finite differences.

This module never imports Qt: the window is imported by name only when it is asked for,
so the headless commands run on machines without a display or Qt's system libraries.
Errors print one line, ``mlpviz: error: ...``, and exit with status 2 (bad file or option)
or 1 (training diverged, gradient check failed, output not written); never a traceback.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, NoReturn, TextIO

# One BLAS thread unless the user chose otherwise, set before numpy loads its BLAS: the
# app's matrices are small (a step, a live-training chunk, a decision boundary of 10,000
# points), where a second BLAS thread only waits for the core the window needs; on two
# cores it halved live training's repaints (16 a second against 32). A product of
# 784-128-64-10 in batches of 64 was no faster with two (docs/benchmarks.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from mlpviz import __version__
from mlpviz.engine.gradcheck import DEFAULT_TOLERANCE, GradEntry, gradient_check
from mlpviz.engine.numbers import format_number
from mlpviz.engine.optimizers import Optimizer
from mlpviz.engine.session import Session, SessionError, load_session, save_session
from mlpviz.engine.stepper import Stepper
from mlpviz.engine.trace import (
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_TERMS,
    parameter_name,
    render_html,
    render_latex,
    render_markdown,
    render_text,
    trace_json,
    worked_example,
)
from mlpviz.engine.trainer import Progress, Trainer

FORMATS = ("text", "markdown", "latex", "html", "json")


class CliError(Exception):
    """A problem to report in one line, and the exit status that goes with it."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (raised as CliError), not usage plus error."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)")


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _precision(text: str) -> int:
    value = _int_at_least(1)(text)
    if value > 17:
        raise argparse.ArgumentTypeError(f"must be at most 17 (float64 digits), got {value}")
    return value


# --- shared steps ----------------------------------------------------------------------
def _session_command_parser(command: str, description: str) -> _Parser:
    """The parser of a headless command, ``mlpviz COMMAND SESSION [options]``."""
    p = _Parser(prog=f"mlpviz {command}", description=description)
    p.add_argument("session", help="a session file (.json)")
    return p


def _load(path: str) -> Session:
    """The session in ``path``, or a CliError naming the file and the problem."""
    try:
        return load_session(path)
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a folder, not a session file") from None
    except SessionError as e:
        raise CliError(f"{path}: {e}") from None
    except OSError as e:
        raise CliError(f"{path}: cannot read it: {e.strerror or e}") from None


def _sample(session: Session, path: str, sample: int) -> int:
    n = len(session.data.x_train)
    if not 0 <= sample < n:
        raise CliError(
            f"sample {sample} is out of range: {path} has {n} training sample"
            f"{'' if n == 1 else 's'} (0..{n - 1})"
        )
    return sample


def _optimizer(session: Session) -> Optimizer | None:
    """The session's optimizer with its saved state (momentum, Adam moments), if any."""
    if session.optimizer_state is None:
        return None
    return Optimizer(session.training.optimizer, copy.deepcopy(session.optimizer_state))


def _write(text: str, stream: TextIO | None = None) -> None:
    """Write text; on a console that cannot encode the maths symbols, write UTF-8 bytes."""
    out = sys.stdout if stream is None else stream
    try:
        out.write(text)
    except UnicodeEncodeError:
        out.flush()
        out.buffer.write(text.encode("utf-8"))
    out.flush()


# --- mlpviz trace ----------------------------------------------------------------------
def _trace_parser() -> _Parser:
    p = _session_command_parser(
        "trace",
        "One online training step on one sample, written out equation by equation: "
        "forward, loss, backward, update, and the loss after the update.",
    )
    p.add_argument(
        "--sample",
        type=_int_at_least(0),
        default=0,
        metavar="K",
        help="the training sample to step (default 0, the first)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), markdown, latex (a full document), html or json",
    )
    p.add_argument(
        "--precision",
        type=_precision,
        default=6,
        metavar="N",
        help="decimals shown (default 6); json always has every digit",
    )
    p.add_argument(
        "--max-terms",
        type=_int_at_least(2),
        default=DEFAULT_MAX_TERMS,
        metavar="N",
        help=f"terms of a sum before it is elided (default {DEFAULT_MAX_TERMS})",
    )
    p.add_argument(
        "--max-rows",
        type=_int_at_least(2),
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"neurons per layer before they are elided (default {DEFAULT_MAX_ROWS})",
    )
    return p


def trace_command(argv: Sequence[str]) -> int:
    args = _trace_parser().parse_args(argv)
    session = _load(args.session)
    sample = _sample(session, args.session, args.sample)
    data, config = session.data, session.training
    stepper = Stepper(
        session.network, data.x_train, data.y_train, config, _optimizer(session), sample
    )
    step = stepper.record
    if args.format == "json":
        _write(_json_text(trace_json(step, config)))
        return 0
    sections = worked_example(step, config, max_terms=args.max_terms, max_rows=args.max_rows)
    precision = args.precision
    if args.format == "text":
        out = render_text(sections, precision)
    elif args.format == "markdown":
        out = render_markdown(sections, precision)
    elif args.format == "latex":
        out = render_latex(sections, precision, standalone=True)
    else:
        out = render_html(sections, precision, standalone=True)
    _write(out if out.endswith("\n") else out + "\n")
    return 0


def _json_text(doc: dict[str, Any]) -> str:
    """JSON with one key per line and each layer on one line: readable, and still short."""
    lines = []
    for key, value in doc.items():
        if key == "layers":
            rows = ",\n".join(f"    {json.dumps(layer)}" for layer in value)
            text = f"[\n{rows}\n  ]"
        else:
            text = json.dumps(value)
        lines.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


# --- mlpviz train ----------------------------------------------------------------------
class _ProgressReport:
    """Training progress on stderr: a bar redrawn in place on a terminal, otherwise a line
    per epoch at most every ``line_every`` seconds (and for the last epoch)."""

    def __init__(self, stream: TextIO, epochs: int, line_every: float = 1.0) -> None:
        self.stream = stream
        self.epochs = epochs
        self.tty = stream.isatty()
        self.line_every = line_every
        self.last = -float("inf")
        self.first_epoch: int | None = None

    def update(self, p: Progress, train_loss: float | None) -> None:
        if self.first_epoch is None:
            self.first_epoch = p.epoch - (1 if p.epoch_finished else 0)
        done = p.epoch - self.first_epoch
        now = time.perf_counter()
        if self.tty:
            if now - self.last < 0.1 and not p.done:
                return
            width = 30
            filled = int(width * done / max(self.epochs, 1))
            loss = "" if train_loss is None else f"  train loss {format_number(train_loss, 6)}"
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r  epoch {done}/{self.epochs} [{bar}]{loss}   ")
            self.stream.flush()
        elif p.epoch_finished and (now - self.last >= self.line_every or p.done):
            loss = "" if train_loss is None else f": train loss {format_number(train_loss, 6)}"
            self.stream.write(f"epoch {done}/{self.epochs}{loss}\n")
            self.stream.flush()
        else:
            return
        self.last = now

    def finish(self) -> None:
        if self.tty and self.last > -float("inf"):
            self.stream.write("\n")
            self.stream.flush()


def _train_parser() -> _Parser:
    p = _session_command_parser(
        "train",
        "Train the session's network on its data with its settings (loss, optimizer, "
        "batch size, regularisation), then print the final metrics.",
    )
    p.add_argument(
        "--epochs",
        type=_int_at_least(1),
        metavar="N",
        help="epochs to train (default: the session's training.epochs)",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write the trained session here (initial weights, history and "
        "optimizer state kept); without it nothing is written",
    )
    p.add_argument(
        "--seed",
        type=_int_at_least(0),
        metavar="S",
        help="seed for the shuffling order (default: the session's)",
    )
    return p


def _metric_lines(session: Session, trainer: Trainer) -> list[str]:
    h = trainer.history
    lines = []
    has_test = len(session.data.x_test) > 0
    loss = f"train loss {format_number(h.train_loss[-1], 6)}"
    if has_test:
        loss += f", test loss {format_number(h.test_loss[-1], 6)}"
    lines.append(loss)
    if session.data.task == "classification":
        acc = f"train accuracy {100 * h.train_accuracy[-1]:.1f}%"
        if has_test:
            acc += f", test accuracy {100 * h.test_accuracy[-1]:.1f}%"
        lines.append(acc)
    return lines


def train_command(argv: Sequence[str]) -> int:
    args = _train_parser().parse_args(argv)
    session = _load(args.session)
    config = session.training
    if args.seed is not None:
        config = dataclasses.replace(config, seed=args.seed)
    epochs = config.epochs if args.epochs is None else args.epochs
    if epochs < 1:
        raise CliError(f"{args.session} asks for 0 epochs: give --epochs N")
    if args.out is not None:
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise CliError(f"--out {args.out}: the folder {folder} does not exist")
    history = copy.deepcopy(session.history) if session.history is not None else None
    try:
        trainer = Trainer(session.network, session.data, config, _optimizer(session), history)
    except ValueError as e:
        raise CliError(f"{args.session}: {e}") from None

    report = _ProgressReport(sys.stderr, epochs)
    start = time.perf_counter()
    first_epoch = trainer.epoch
    try:
        for p in trainer.run(epochs):
            if p.non_finite is not None:
                report.finish()
                raise CliError(
                    f"training diverged in epoch {p.epoch + 1}, update {p.updates}: "
                    f"{p.non_finite}; nothing written (try a smaller learning rate)",
                    status=1,
                )
            latest = trainer.history.train_loss[-1] if trainer.history.train_loss else None
            report.update(p, latest)
    finally:
        report.finish()
    seconds = time.perf_counter() - start

    done = trainer.epoch - first_epoch
    target = config.target_loss
    summary = f"trained {done} epoch{'' if done == 1 else 's'} ({trainer.updates} updates) "
    summary += f"in {seconds:.1f} s"
    if done < epochs and target is not None:
        summary += f", stopped early: the training loss reached the target {target:g}"
    lines = [summary, *_metric_lines(session, trainer)]
    if args.out is not None:
        trained = dataclasses.replace(
            session,
            network=trainer.net,
            training=config,
            initial_network=session.initial_network or session.network,
            optimizer_state=trainer.optimizer.state,
            history=trainer.history,
        )
        try:
            save_session(args.out, trained)
        except (OSError, SessionError) as e:
            raise CliError(f"cannot write {args.out}: {e}", status=1) from None
        lines.append(f"wrote {args.out}")
    _write("\n".join(lines) + "\n")
    return 0


# --- mlpviz gradcheck ------------------------------------------------------------------
def _gradcheck_parser() -> _Parser:
    p = _session_command_parser(
        "gradcheck",
        "Compare backpropagation's gradient with central finite differences for every "
        "weight and bias; exit status 1 if they disagree.",
    )
    p.add_argument(
        "--tolerance",
        type=_positive_float,
        default=DEFAULT_TOLERANCE,
        metavar="T",
        help=f"largest relative error accepted (default {DEFAULT_TOLERANCE:g})",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--sample",
        type=_int_at_least(0),
        metavar="K",
        help="the loss of training sample K (default 0)",
    )
    which.add_argument(
        "--all", action="store_true", help="the loss over every training sample (the full batch)"
    )
    return p


def _describe(entry: GradEntry, sizes: Sequence[int]) -> str:
    kind: Literal["weights", "biases"] = "weights" if entry.name == "weights" else "biases"
    where = ", ".join(str(i) for i in entry.index)
    name = parameter_name(sizes, kind, entry.layer, entry.index)
    return f"{entry.name}[{entry.layer}][{where}] ({name})"


def gradcheck_command(argv: Sequence[str]) -> int:
    args = _gradcheck_parser().parse_args(argv)
    session = _load(args.session)
    data, config, net = session.data, session.training, session.network
    if args.all:
        x, y, what = data.x_train, data.y_train, f"all {len(data.x_train)} training samples"
    else:
        k = _sample(session, args.session, 0 if args.sample is None else args.sample)
        x, y, what = data.x_train[k : k + 1], data.y_train[k : k + 1], f"sample {k}"
    report = gradient_check(net, x, y, config.loss, config.regularization, tolerance=args.tolerance)
    worst = report.worst
    above = sum(e.relative_error > args.tolerance for e in report.entries)
    lines = [
        f"gradient check of {args.session} on {what}: {len(report.entries)} parameters",
        f"largest relative error {worst.relative_error:.3g} at "
        f"{_describe(worst, net.layer_sizes)}:",
        f"  backprop {worst.analytic:.10g}, finite difference {worst.numeric:.10g}",
    ]
    if report.passed:
        lines.append(f"passed: every relative error is at most the tolerance {args.tolerance:g}")
    else:
        lines.append(
            f"FAILED: {above} of {len(report.entries)} above the tolerance {args.tolerance:g}"
        )
    _write("\n".join(lines) + "\n")
    if not report.passed:
        print(
            f"mlpviz: gradient check failed: relative error {worst.relative_error:.3g} "
            f"> tolerance {args.tolerance:g}",
            file=sys.stderr,
        )
        return 1
    return 0


# --- the window ------------------------------------------------------------------------
def _gui_parser() -> _Parser:
    p = _Parser(
        prog="mlpviz",
        description="See every number of backpropagation. Without a command, open the "
        "window on FILE or on the course example.",
        epilog="commands (each has --help): "
        "trace SESSION: one step written out equation by equation; "
        "train SESSION: train and print the metrics; "
        "gradcheck SESSION: backprop against finite differences.",
    )
    p.add_argument("file", nargs="?", help="a session file to open (.json)")
    p.add_argument("--version", action="version", version=f"mlpviz {__version__}")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="open the window offscreen on the course example, step it through every "
        "phase, check the numbers shown against hand-worked values; exit status 0 if all "
        "agree, 1 otherwise (checks an installed or frozen app)",
    )
    return p


def _gui_module(name: str) -> Any:
    """The GUI module ``name``, imported now: the headless commands must never import Qt."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise CliError(
            f"the window cannot start ({e}); trace, train and gradcheck work without it"
        ) from None


def gui_command(argv: Sequence[str]) -> int:
    args = _gui_parser().parse_args(argv)
    if args.self_test:
        if args.file is not None:
            raise CliError("--self-test always opens the course example: give no FILE")
        # Offscreen unless the user chose a platform, so it runs without a display (a
        # fresh bundle checked over ssh or in CI); Qt reads this when the app starts.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        self_test: Callable[[], int] = _gui_module("mlpviz.gui.self_test").main
        return int(self_test())
    if args.file is not None:
        _load(args.file)  # a bad file is reported here, in the terminal
    run_app: Callable[[str | None], int] = _gui_module("mlpviz.gui.app").run_app
    return int(run_app(args.file))


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "trace": trace_command,
    "train": train_command,
    "gradcheck": gradcheck_command,
}


def main(argv: list[str] | None = None) -> int:
    """Run ``mlpviz`` with ``argv`` (default: the process's arguments); the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if args and args[0] in COMMANDS:
            # Overflow to inf or NaN is reported in words (a diverged training names the
            # parameter), so numpy's RuntimeWarnings would only add noise on stderr.
            with np.errstate(all="ignore"):
                return COMMANDS[args[0]](args[1:])
        return gui_command(args)
    except CliError as e:
        print(f"mlpviz: error: {e}", file=sys.stderr)
        return e.status
    except SystemExit as e:  # --help and --version
        return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        print("mlpviz: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
