"""The Qt views of mlpviz (PySide6 + pyqtgraph)."""
