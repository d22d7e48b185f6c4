"""Forms that take text as it will be stored."""

from django import forms

from .text import clean_line, clean_lines


class CleanTextMixin:
    """What an editor typed into a text field is cleaned as the database would keep it
    (`newsroom.text`: invisible characters, NUL included, go; one-line fields lose pasted
    breaks, zero-width spaces and doubled spaces) before the form checks it. So a paste is never
    refused for a character nobody sees, a limit counts what is stored, and a form shown again
    with an error holds the cleaned text, never a replacement character."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or field.disabled:
                continue
            clean = clean_lines if isinstance(field.widget, forms.Textarea) else clean_line
            key = self.add_prefix(name)
            if hasattr(data, "setlist"):
                values = data.getlist(key)
                if any(isinstance(value, str) for value in values):
                    data.setlist(key, [clean(value) for value in values])
            elif isinstance(data.get(key), str):
                data[key] = clean(data[key])
        self.data = data


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The admin's model form for every model of the site's apps."""
