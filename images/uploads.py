"""An upload handler that stops reading a request once a file passes the image size limit.

Registered first in FILE_UPLOAD_HANDLERS, it sees every chunk before the default handlers keep
it in memory or spool it to disk. Past the limit it stops the upload, so an oversized file is
neither read to the end nor written anywhere, and notes the refusal on the request, where
`RefusedUploadsFormMixin` turns it into a form error on the field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .validators import size_limit_message


class ImageSizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > settings.MAX_IMAGE_UPLOAD_BYTES:
            refused = getattr(self.request, "refused_uploads", None)
            if refused is None:
                refused = self.request.refused_uploads = {}
            refused[self.field_name] = size_limit_message()
            # connection_reset: the rest of the request body is left unread.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def refused_uploads(request) -> dict[str, str]:
    """{field name: message} for the files the handler refused in this request."""
    return getattr(request, "refused_uploads", {}) if request is not None else {}


class RefusedUploadsFormMixin:
    """Shows a refused upload as an error on its field. Set `upload_request` on the form (the
    admin mixin below does). Fields that came after the file in the request were not read, so
    the editor is asked to check them."""

    upload_request = None

    def clean(self):
        cleaned = super().clean()
        for field_name, message in refused_uploads(self.upload_request).items():
            if field_name in self.fields:
                # The file never arrived, so "this field is required" would only confuse.
                self._errors.pop(field_name, None)
                self.add_error(field_name, message)
        return cleaned


class RefusedUploadsAdminMixin:
    """For a ModelAdmin with image fields: refused uploads become form errors, and the form
    keeps everything the editor typed that reached the server."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (RefusedUploadsFormMixin, form), {"upload_request": request})
