"""The event form: times typed as the venue's clock shows them, checked against its time zone."""

import datetime
import zoneinfo

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.html import format_html, format_html_join

from newsroom.forms import CleanTextModelForm

from .models import Event, time_zone_names, validate_time_zone

# The times an editor types in the venue's time zone; stored in UTC.
VENUE_TIMES = ("starts_at", "ends_at", "previous_starts_at")


class VenueTimeField(forms.SplitDateTimeField):
    """A date and time kept as typed, without a time zone: the form reads it in the venue's."""

    def compress(self, data_list):
        if data_list and data_list[0] is not None and data_list[1] is not None:
            return datetime.datetime.combine(*data_list)
        return None


def at_venue(naive: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """`naive` on the venue's clock as an aware time. A time the clocks skip when they go
    forward is refused; one they pass twice going back is the first of the two."""
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            "%(time)s does not exist in %(zone)s: the clocks go forward then. "
            "Enter a time after the change.",
            code="nonexistent_time",
            params={"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
        )
    # In UTC: a time the clocks pass twice would compare unequal to every other zone's.
    return aware.astimezone(datetime.UTC)


class TimeZoneInput(forms.TextInput):
    """A text box that offers the IANA zone names as the editor types ("Europe/P…")."""

    def __init__(self, attrs=None):
        super().__init__({"list": "time-zone-names", "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        names = format_html_join("", '<option value="{}">', ((n,) for n in time_zone_names()))
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="time-zone-names">{}</datalist>', box, names)


class EventForm(CleanTextModelForm):
    starts_at = VenueTimeField(
        label="Starts", widget=AdminSplitDateTime, help_text="On the venue's clock."
    )
    ends_at = VenueTimeField(
        label="Ends", required=False, widget=AdminSplitDateTime, help_text="Optional."
    )
    previous_starts_at = VenueTimeField(
        label="Previously planned start",
        required=False,
        widget=AdminSplitDateTime,
        help_text="For a rescheduled date: when it was to start before, on the venue's clock.",
    )

    ticket_url = forms.URLField(
        label="Ticket address", required=False, max_length=500, assume_scheme="https"
    )
    online_url = forms.URLField(
        label="Online address",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For a date moved online: where to watch it.",
    )

    class Meta:
        model = Event
        fields = [
            "status",
            "starts_at",
            "ends_at",
            "previous_starts_at",
            "timezone",
            "venue",
            "street_address",
            "city",
            "region",
            "postal_code",
            "country",
            "project",
            "ticket_url",
            "online_url",
        ]
        widgets = {"timezone": TimeZoneInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Shown as the venue's clock showed them when they were entered.
            for name in VENUE_TIMES:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = self.instance.in_venue_zone(value).replace(tzinfo=None)

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        validate_time_zone(value)
        return value

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("timezone")
        # Without a valid zone the form is refused anyway; UTC keeps the checks below working.
        zone = zoneinfo.ZoneInfo(name) if name else datetime.UTC
        for field in VENUE_TIMES:
            value = cleaned.get(field)
            if value is None:
                continue
            try:
                cleaned[field] = at_venue(value, zone)
            except forms.ValidationError as error:
                self.add_error(field, error)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must come after the start.")
        rescheduled = cleaned.get("status") == Event.Status.RESCHEDULED
        if rescheduled and cleaned.get("previous_starts_at") is None:
            if "previous_starts_at" not in self.errors:
                self.add_error(
                    "previous_starts_at",
                    "A rescheduled date keeps the start it had before: enter it here.",
                )
        return cleaned
