"""HTTP routes, one module per resource; each route is a few lines over CreativeService."""

from typing import Annotated

from fastapi import Depends, Request

from adcraft.service.core import CreativeService
from adcraft.service.problems import ProblemHTTPException


def get_service(request: Request) -> CreativeService:
    """The app's CreativeService (a FastAPI dependency)."""
    return request.app.state.service


def creative_out(record: dict) -> dict:
    """A stored creative with its file URLs."""
    keys = ("id", "product_id", "placement", "qa_status", "segment", "notes", "created")
    return {
        **{k: record[k] for k in keys},
        "image_url": f"/v1/creatives/{record['id']}/image",
        "manifest_url": f"/v1/creatives/{record['id']}/manifest",
    }


def declared_query(dependant) -> set[str]:
    """Names of the query parameters an operation and its dependencies declare."""
    names, todo = set(), [dependant]
    while todo:
        current = todo.pop()
        names.update(param.alias for param in current.query_params)
        todo.extend(current.dependencies)
    return names


def refuse_unknown_query(request: Request) -> None:
    """Refuse query parameters the operation does not declare (a misspelt `offest` is an error)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    allowed = declared_query(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ProblemHTTPException(
            422,
            "unknown-parameter",
            f"unknown query parameter(s) {unknown}; allowed: {sorted(allowed) or 'none'}",
        )


ServiceDep = Annotated[CreativeService, Depends(get_service)]
