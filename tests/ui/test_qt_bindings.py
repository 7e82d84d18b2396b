"""The Qt bindings this app runs on keep Python's count of references to None right.

PySide6-Essentials 6.12.0 on Python 3.11 returned None from every method without a result
(``setText``, ``setPen``, ``setClipRect`` …) without counting the reference, so each call
took one away; a few thousand calls later, painting a busy week or just using the window
for a while, the interpreter aborted with "deallocating None". pyproject.toml keeps that
release out; this test fails (rather than crashing the run) on any release that does it.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()
image = QImage(16, 16, QImage.Format.Format_ARGB32)
painter = QPainter(image)
before = sys.getrefcount(None)
for _ in range(2000):
    label.setText("x")
    label.setVisible(False)
    painter.setClipRect(QRectF(1, 1, 4, 4))
    painter.setBrush(QColor(1, 2, 3))
    painter.fillRect(QRectF(0, 0, 2, 2), QColor(4, 5, 6))
painter.end()
print(sys.getrefcount(None) - before)
"""


def test_methods_without_a_result_give_back_none_counted() -> None:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    drift = int(done.stdout.strip().splitlines()[-1])
    # 10,000 calls: a binding that drops a reference each time is 10,000 short (a few
    # more kept, by caches, do no harm).
    assert drift > -1000, f"None lost {-drift} references in 10,000 calls"
