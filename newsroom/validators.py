"""Validators shared by the apps' models."""

from django.core.exceptions import ValidationError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199


def validate_sensible_time(value):
    """A date and time a newsroom can mean: years 1900-2199. Times near the calendar's ends
    (9999-12-31) cannot be converted between time zones, so they never reach the database."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            "Enter a time between the years %(earliest)s and %(latest)s.",
            code="out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
