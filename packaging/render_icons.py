"""Render the application icon's PNGs from its hand-drawn SVG source.

    python packaging/render_icons.py

writes resources/icons/mlpviz-<N>.png for every size in SIZES from resources/icons/mlpviz.svg,
offscreen (QSvgRenderer onto a transparent QImage), so anyone can regenerate them after
editing the SVG. The app loads every mlpviz-*.png it finds as the window icon; the desktop
entry installs them into the hicolor theme (docs/packaging.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor theme's usual sizes, from the smallest panel icon to a store listing."""
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn into a transparent ``size`` × ``size`` ARGB image."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--svg", type=Path, default=ICONS / "mlpviz.svg")
    parser.add_argument("--out", type=Path, default=ICONS, help="folder for the PNGs")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    args.out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        path = args.out / f"mlpviz-{size}.png"
        if not render(args.svg, size).save(str(path), "PNG"):
            print(f"render_icons: cannot write {path}", file=sys.stderr)
            return 1
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
