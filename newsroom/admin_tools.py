"""Behaviour shared by the apps' admin screens."""

from django.contrib import messages
from django.http import HttpResponseRedirect


class OutOfRangeFiltersMixin:
    """A change list filtered by a date the database cannot hold (a hand-edited address with
    year 9999, say) goes back to the unfiltered list with a message, instead of failing."""

    def changelist_view(self, request, extra_context=None):
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        except OverflowError:
            messages.error(request, "That filter asks for a date out of range, so it was removed.")
            return HttpResponseRedirect(request.path)
        return response
