"""Run every benchmark figure group and write the results table.

    python -m benchmarks.run [--quick] [--groups engine,trainer,startup,diagram]
                             [--threads 1,2] [--docs]

Each group runs in its own fresh process (so thread settings, Qt and imports of one never
touch another) and prints its figures; this collects them into
benchmarks/results/latest.md and latest.json, with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.machine import describe_machine
from benchmarks.table import Figure, markdown_table, parse_emitted

GROUPS = {
    "engine": "benchmarks.engine_step",
    "trainer": "benchmarks.trainer_throughput",
    "startup": "benchmarks.startup",
    "diagram": "benchmarks.diagram",
    "live": "benchmarks.live_training",
}
"""Figure group name → the module that measures it (``python -m MODULE`` runs it alone)."""

RESULTS = Path(__file__).resolve().parent / "results"
REPOSITORY = Path(__file__).resolve().parent.parent
DOCS = (REPOSITORY / "docs" / "benchmarks.md", REPOSITORY / "README.md")
DOCS_BEGIN, DOCS_END = "<!-- latest results: begin -->", "<!-- latest results: end -->"
"""docs/benchmarks.md and the README show the latest results between these lines
(``--docs`` rewrites them)."""


def run_group(module: str, flags: list[str]) -> tuple[list[Figure], str]:
    """The figures of one group, measured in a subprocess, and its error output if it failed."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, "-m", module, *flags]
    done = subprocess.run(
        command, cwd=REPOSITORY, env=env, capture_output=True, text=True, check=False
    )
    problem = "" if done.returncode == 0 else done.stderr.strip() or f"exit {done.returncode}"
    return parse_emitted(done.stdout), problem


def machine_lines(machine: dict[str, object]) -> list[str]:
    blas = machine.get("blas") or []
    assert isinstance(blas, list)
    pools = "; ".join(
        " ".join(str(b[k]) for k in ("internal_api", "version") if b.get(k))
        + " ("
        + ", ".join(
            str(part)
            for part in (b.get("prefix"), f"{b['num_threads']} threads", b.get("architecture"))
            if part
        )
        + ")"
        for b in blas
    )
    load = machine.get("load_average")
    return [
        f"- CPU: {machine['cpu']}, {machine['cores']} cores; {machine['os']}"
        + (f"; load average {load:.2f} when the run started" if load is not None else ""),
        f"- Python {machine['python']}, numpy {machine['numpy']}, "
        f"PyTorch {machine['torch'] or 'not installed'}, PySide6 {machine['pyside6']}",
        f"- Thread pools (threadpoolctl): {pools or 'threadpoolctl not installed'}",
    ]


def results_lines(figures: list[Figure], machine: dict[str, object], flags: list[str]) -> list[str]:
    """The machine and the table, as Markdown lines."""
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"Measured {when} with `{' '.join(['python -m benchmarks.run', *flags])}` on:",
        "",
        *machine_lines(machine),
        "",
        markdown_table(figures),
    ]


def update_docs(lines: list[str]) -> None:
    """Put ``lines`` between the result markers of docs/benchmarks.md and the README."""
    body = "\n".join(lines)
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        head, sep, rest = text.partition(DOCS_BEGIN)
        _, sep_end, tail = rest.partition(DOCS_END)
        if not (sep and sep_end):
            raise SystemExit(f"{doc} has no {DOCS_BEGIN} … {DOCS_END} lines to fill")
        doc.write_text(f"{head}{DOCS_BEGIN}\n{body}\n{DOCS_END}{tail}", encoding="utf-8")


def write_results(
    figures: list[Figure], problems: dict[str, str], machine: dict[str, object], flags: list[str]
) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# mlpviz benchmarks: latest results", "", *results_lines(figures, machine, flags)]
    if problems:
        lines += ["", "## Groups that failed", ""]
        lines += [f"- {group}: {text.splitlines()[-1]}" for group, text in problems.items()]
    md = RESULTS / "latest.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {
        "measured": when,
        "options": flags,
        "machine": machine,
        "figures": [f.to_json() for f in figures],
        "failed_groups": problems,
    }
    js = RESULTS / "latest.json"
    js.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return md, js


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a check")
    parser.add_argument(
        "--threads",
        help="thread counts for the engine step, e.g. 1,2 (default 1, and 2 on more than 2 cores)",
    )
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also put the table into docs/benchmarks.md and README.md",
    )
    parser.add_argument(
        "--groups", default=",".join(GROUPS), help=f"comma-separated, of {', '.join(GROUPS)}"
    )
    args = parser.parse_args(argv)
    chosen = [g.strip() for g in args.groups.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)} (known: {', '.join(GROUPS)})")
    flags = (["--quick"] if args.quick else []) + (
        ["--threads", args.threads] if args.threads else []
    )
    machine = describe_machine()  # before the run, so the load average is other work's
    figures: list[Figure] = []
    problems: dict[str, str] = {}
    for group in chosen:
        print(f"{group} ...", file=sys.stderr, flush=True)
        got, problem = run_group(GROUPS[group], flags)
        figures += got
        if problem:
            problems[group] = problem
            print(f"{group} failed:\n{problem}", file=sys.stderr)
    md, js = write_results(figures, problems, machine, flags)
    if args.docs:
        update_docs(results_lines(figures, machine, flags))
    print(markdown_table(figures))
    print(f"\nwritten: {md.relative_to(REPOSITORY)}, {js.relative_to(REPOSITORY)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
