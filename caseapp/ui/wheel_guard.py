"""The mouse wheel scrolls the page; it never changes a field the user has not chosen.

Qt lets a wheel notch change any combo box, spin box or date edit under the pointer, and gives
it focus on the way (WheelFocus). Scrolling a long form then changed values nobody touched
("Pregnant or breastfeeding" set to yes). One application-wide filter fixes the class: a wheel
over such a field without keyboard focus is ignored by the field and goes to its parent (the
scroll area scrolls), and those fields no longer take focus from the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox)  # QDateEdit, QSpinBox, QDoubleSpinBox are spin boxes


def _guarded_field(obj: QObject) -> QWidget | None:
    """The combo or spin box `obj` belongs to (its line edit counts as part of it)."""
    if isinstance(obj, GUARDED):
        return obj
    parent = obj.parent() if isinstance(obj, QWidget) else None
    if isinstance(parent, GUARDED) and not obj.isWindow():  # type: ignore[attr-defined]
        return parent
    return None


class WheelGuard(QObject):
    """Event filter on the QApplication; see the module docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            field = _guarded_field(watched)
            if field is not None and not field.hasFocus():
                _scroll_page(field, event)
                return True
        return False


def _scroll_page(field: QWidget, event: QWheelEvent) -> None:
    """Give the wheel to the scroll area around `field` (Qt does not pass synthetic ones on)."""
    area = field.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        event.ignore()
        return
    viewport = area.viewport()
    at = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
    copy = QWheelEvent(
        at, event.globalPosition(), event.pixelDelta(), event.angleDelta(),
        event.buttons(), event.modifiers(), event.phase(), event.inverted(),
    )  # fmt: skip
    QApplication.sendEvent(viewport, copy)
    event.accept()


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard once per application (idempotent); returns it."""
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
