"""Autocomplete foreign keys whose selected option costs no query to label."""

from django.contrib.admin.widgets import AutocompleteSelect

from .forms import CleanTextModelForm


class PreloadedAutocompleteSelect(AutocompleteSelect):
    # Django's AutocompleteSelect looks up the selected option's label with a query on every
    # render: on an inline, one query per row. When the form already holds the selected object
    # (loaded with select_related), it is labelled from there; any other value, such as one
    # changed in a refused POST, is still looked up.
    selected_object = None

    def optgroups(self, name, value, attr=None):
        obj = self.selected_object
        key = None if obj is None else getattr(obj, self.field.target_field.attname)
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if obj is None or selected != [str(key)]:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, key, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteForm(CleanTextModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # The admin wraps the widget to add its "add another" links.
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                widget.selected_object = model_field.get_cached_value(self.instance)


class PreloadedAutocompleteMixin:
    """For a ModelAdmin or an inline whose `get_queryset` select_related its autocomplete
    foreign keys: the change form labels their selected options without a query per field."""

    form = PreloadedAutocompleteForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
