"""Form widgets shared by every app's forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes whose field id is the first box's, so error links land on a control."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RadioGroup(forms.RadioSelect):
    """Radio buttons whose field id is the first button's, for the same reason."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class DatalistInput(forms.TextInput):
    """A text box with a list of suggestions the browser filters as one types (a
    ``<datalist>``): searchable without any script, and any typed value still reaches
    the form, which says clearly when it is not one of them."""

    def __init__(self, options: Callable[[], Sequence[str]], attrs: dict[str, Any] | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.options = options

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or name}_options"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((o,) for o in self.options())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)
