"""HTTP routes, one module per resource; each route is a few lines over CreativeService."""

from typing import Annotated

from fastapi import Depends, Request

from adcraft.service.core import CreativeService


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


ServiceDep = Annotated[CreativeService, Depends(get_service)]
