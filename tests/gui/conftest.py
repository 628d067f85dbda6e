"""GUI test fixtures: an offscreen Qt, a fresh settings store, the course example model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lecture_fixtures import appearance_restored
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from mlpviz.engine.session import default_session
from mlpviz.gui.session_model import SessionModel


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> Iterator[None]:
    """Every GUI test gets its own empty QSettings store, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QCoreApplication.setOrganizationName("mlpviz-tests")
    QCoreApplication.setApplicationName("mlpviz-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield


@pytest.fixture(autouse=True)
def appearance_kept(qapp: QApplication) -> Iterator[None]:
    """Themes and the display scale are application-wide: whatever a test (or a window it
    starts with the app's settings) changes, the next test starts from the same look."""
    with appearance_restored(qapp):
        yield


@pytest.fixture
def course_model(qapp: object) -> SessionModel:
    """The model of the course example, at its first phase (Input)."""
    return SessionModel(default_session())
