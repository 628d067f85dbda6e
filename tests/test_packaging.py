"""The packaged app: the wheel carries the shipped files and finds them with
importlib.resources; the icon PNGs are the SVG's current rendering and still show the
highlighted edges at 16 px; the desktop entry and AppStream metadata validate and agree;
the frozen bundle (opt-in, it takes a minute) passes its own --self-test."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from mlpviz import __version__

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.mlpviz.mlpviz"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
BLUE, VERMILLION = (0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)  # Okabe–Ito


# --- the wheel -----------------------------------------------------------------------------
def _build(source: Path, out: Path, isolation: bool) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out)]
    if not isolation:
        command.append("--no-isolation")
    return subprocess.run(
        command, cwd=source, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``python -m build --wheel`` makes of a copy of the source tree (a copy, so
    the build's scratch folders never land in the working tree others use)."""
    if importlib.util.find_spec("build") is None:
        pytest.skip("the 'build' package is not installed (pip install build)")
    tmp = tmp_path_factory.mktemp("wheel")
    source, out = tmp / "source", tmp / "dist"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("mlpviz", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    # Without isolation first: setuptools is installed here, and nothing is downloaded.
    done = _build(source, out, isolation=False)
    if done.returncode != 0:
        done = _build(source, out, isolation=True)
        if done.returncode != 0:
            unreachable = ("Could not find a version", "Failed to establish", "No matching")
            if any(text in done.stdout + done.stderr for text in unreachable):
                pytest.skip("the build backend is not installed and PyPI cannot be reached")
            pytest.fail(f"python -m build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    (built,) = out.glob("mlpviz-*.whl")
    return built


def _shipped(pattern: str) -> list[str]:
    """The source tree's resources/<pattern> files as paths inside the wheel."""
    return sorted(
        f"mlpviz/resources/{p.relative_to(RESOURCES).as_posix()}"
        for p in RESOURCES.glob(pattern)
        if p.is_file()
    )


def test_the_wheel_holds_every_example_data_set_and_icon(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        examples = _shipped("examples/*.json")
        data = _shipped("data/*")
        icons = _shipped("icons/*")
        assert "mlpviz/resources/examples/course_example.json" in examples
        assert {"mlpviz/resources/data/iris.csv", "mlpviz/resources/data/digits.csv.gz"} <= set(
            data
        )
        assert "mlpviz/resources/icons/mlpviz.svg" in icons
        pngs = sorted(name for name in icons if name.endswith(".png"))
        assert pngs == sorted(f"mlpviz/resources/icons/mlpviz-{n}.png" for n in ICON_SIZES)
        missing = [n for n in [*examples, *data, *icons] if n not in names]
        assert missing == [], f"not in the wheel: {missing}"
        assert "mlpviz/resources/__init__.py" in names
        # Byte for byte what the source tree holds.
        for name in (*examples, "mlpviz/resources/data/digits.csv.gz", *icons):
            source = RESOURCES / name.removeprefix("mlpviz/resources/")
            assert archive.read(name) == source.read_bytes(), name
        # The window and the self-test are in it, and the commands point at them.
        assert {"mlpviz/gui/app.py", "mlpviz/gui/self_test.py", "mlpviz/cli.py"} <= names
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        text = archive.read(entry_points).decode()
        assert "mlpviz = mlpviz.cli:main" in text and "mlpviz-gui = mlpviz.cli:main" in text


def test_the_wheel_finds_its_files_with_importlib_resources(wheel: Path, tmp_path: Path) -> None:
    """Unpacked (as pip would install it) and imported in a fresh interpreter that sees no
    site-packages, so the editable install of the working tree cannot answer instead."""
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    code = (
        "import json, mlpviz\n"
        "from mlpviz.engine.resources import resource\n"
        "assert mlpviz.__file__.startswith(__import__('sys').argv[1]), mlpviz.__file__\n"
        "course = json.loads(resource('examples', 'course_example.json').read_text())\n"
        "icons = sorted(e.name for e in resource('icons').iterdir())\n"
        "print(type(course).__name__, len(icons), resource('data', 'iris.csv').is_file())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    done = subprocess.run(
        [sys.executable, "-S", "-c", code, str(target)],
        cwd=tmp_path,  # not the working tree, which -c would put first on sys.path
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["dict", str(len(ICON_SIZES) + 1), "True"]


# --- the icon ------------------------------------------------------------------------------
def _render_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_icons", PACKAGING / "render_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("size", ICON_SIZES)
def test_the_pngs_are_the_svgs_current_rendering(qapp: object, size: int) -> None:
    """Edit the SVG, forget `python packaging/render_icons.py`, and this fails."""
    from PySide6.QtGui import QImage

    render_icons = _render_icons()
    assert tuple(render_icons.SIZES) == ICON_SIZES
    fresh = render_icons.render(RESOURCES / "icons" / "mlpviz.svg", size)
    shipped = QImage(str(RESOURCES / "icons" / f"mlpviz-{size}.png"))
    assert (shipped.width(), shipped.height()) == (size, size)
    shipped = shipped.convertToFormat(fresh.format())
    worst = 0
    for y in range(size):
        for x in range(size):
            a, b = fresh.pixelColor(x, y), shipped.pixelColor(x, y)
            worst = max(
                worst,
                abs(a.red() - b.red()),
                abs(a.green() - b.green()),
                abs(a.blue() - b.blue()),
                abs(a.alpha() - b.alpha()),
            )
    assert worst <= 2  # PNG round trip of premultiplied colour


def _count_near(image: object, colour: tuple[int, int, int], within: int = 40) -> int:
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.alpha() > 200 and all(
                abs(v - w) <= within
                for v, w in zip((c.red(), c.green(), c.blue()), colour, strict=True)
            ):
                count += 1
    return count


def test_the_highlighted_edges_still_show_at_16_px(qapp: object) -> None:
    """Legible at 16 px: the blue and the vermillion edge each keep a few pixels of nearly
    their own colour, not only blends with the grey edges and dark nodes."""
    from PySide6.QtGui import QImage

    small = QImage(str(RESOURCES / "icons" / "mlpviz-16.png"))
    assert _count_near(small, BLUE) >= 3
    assert _count_near(small, VERMILLION) >= 3
    large = QImage(str(RESOURCES / "icons" / "mlpviz-256.png"))
    assert _count_near(large, BLUE) > 500 and _count_near(large, VERMILLION) > 500


# --- desktop entry and AppStream metadata ---------------------------------------------------
def _run_validator(command: list[str]) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (apt-get install desktop-file-utils appstream)")
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_the_desktop_entry_validates() -> None:
    done = _run_validator(["desktop-file-validate", str(DESKTOP)])
    assert done.returncode == 0, done.stdout + done.stderr
    # Hints are advice; errors and warnings are not allowed.
    assert "error:" not in done.stdout and "warning:" not in done.stdout, done.stdout


def test_the_metainfo_validates() -> None:
    done = _run_validator(["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)])
    assert done.returncode == 0, done.stdout + done.stderr
    issues = [line for line in done.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert issues == []


def test_the_desktop_entry_and_metainfo_agree_with_the_app() -> None:
    entry = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "mlpviz"
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("content_rating") is not None
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == __version__  # the newest release is this version
    assert root.findtext("provides/binary") == "mlpviz"
    # The window says it belongs to this desktop entry (Wayland finds its icon that way).
    text = (ROOT / "mlpviz" / "gui" / "app.py").read_text()
    assert f'APP_ID = "{APP_ID}"' in text


# --- the frozen bundle (opt-in) -----------------------------------------------------------
@pytest.mark.skipif(
    os.environ.get("MLPVIZ_TEST_BUNDLE") != "1",
    reason="builds a ~200 MB PyInstaller bundle in ~30 s: set MLPVIZ_TEST_BUNDLE=1",
)
def test_the_frozen_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install pyinstaller)")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(PACKAGING / "mlpviz.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    program = tmp_path / "dist" / "mlpviz" / ("mlpviz.exe" if os.name == "nt" else "mlpviz")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH")}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [str(program), "--self-test"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "frozen bundle" in done.stdout.splitlines()[0]
    assert done.stdout.rstrip().splitlines()[-1].startswith("passed: ")
