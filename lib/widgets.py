"""Form widgets shared by every app's forms."""

from __future__ import annotations

from django import forms


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes whose field id is the first box's, so error links land on a control."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RadioGroup(forms.RadioSelect):
    """Radio buttons whose field id is the first button's, for the same reason."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)
