"""Form widgets every app's forms share."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select written in Python. Django renders each option through a template include,
    which costs about ten milliseconds for the few hundred options of the matrix filters."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))

        def option(key, label):
            selected = " selected" if str(key) in chosen else ""
            return f'<option value="{escape(str(key))}"{selected}>{escape(str(label))}</option>'

        parts = [f'<select name="{escape(name)}"{flatatt(attrs)}>']
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                options = "".join(option(*pair) for pair in label)
                parts.append(f'<optgroup label="{escape(str(key))}">{options}</optgroup>')
            else:
                parts.append(option(key, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
