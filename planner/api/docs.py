"""The API's description as a page: read from the OpenAPI document, no scripts."""

from flask import Blueprint, current_app, render_template

from planner.views.access import permission_required

bp = Blueprint("api-docs-page", __name__)


@bp.get("/api/v1/docs")
@permission_required("public")
def docs():
    """Show every operation of the API with its parameters, body and answers."""
    from planner.api import api_of

    spec = api_of(current_app).spec.to_dict()
    operations = [
        (path, method.upper(), operation)
        for path, methods in spec.get("paths", {}).items()
        for method, operation in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations,
        schemas=spec.get("components", {}).get("schemas", {}),
    )
