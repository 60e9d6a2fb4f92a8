"""Error responses in the format of the path: plain text for .ics, JSON for the API, HTML elsewhere."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from ..catalog.languages import DEFAULT_LANGUAGE
from ..errors import InvalidFilter
from ..publish.urls import error_format
from .languages import gettext
from .pages import layout_context


def render_error(error: HTTPException) -> Response:
    status = error.code or 500
    title = error.name
    message = error.description or title
    kind = error_format(request.path)
    if kind == "json":
        response = jsonify({"error": {"status": status, "title": title, "message": message}})
    elif kind == "text":
        response = Response(f"{status} {title}: {message}\n", mimetype="text/plain")
    else:
        titles = {
            400: gettext("Bad Request"), 404: gettext("Not Found"), 405: gettext("Method Not Allowed"),
            414: gettext("URI Too Long"), 500: gettext("Internal Server Error"),
        }  # fmt: skip
        # The status's name in the page's language; ``error.lang`` is set where the message is in it too.
        page = render_template("errors/error.html", **layout_context(), status=status, title=titles.get(status, title),
                               message=message, message_lang=getattr(error, "lang", DEFAULT_LANGUAGE))  # fmt: skip
        response = Response(page)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InvalidFilter, lambda error: render_error(BadRequest(str(error))))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError("the server hit an unexpected problem"))
