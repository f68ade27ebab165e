"""Multipart uploads: one set of arguments from a request's form fields and files.

flask-smorest reads form fields and files as two locations and would document the form
fields as OpenAPI 2's `in: formData` parameters, which OpenAPI 3 has no place for. Here
they are one location, `multipart`, documented as the multipart/form-data request body.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


class MultipartParser(FlaskParser):
    def load_multipart(self, req, schema):
        """Return the form fields and the files of a multipart request together."""
        combined = CombinedMultiDict([req.files, req.form])
        return self._makeproxy(combined, schema)


MultipartParser.__location_map__ = {
    **FlaskParser.__location_map__,
    "multipart": "load_multipart",
}


class MultipartBlueprint(Blueprint):
    """A Blueprint whose views may take `location="multipart"` arguments."""

    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {  # noqa: RUF012 - flask-smorest reads it so
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }
