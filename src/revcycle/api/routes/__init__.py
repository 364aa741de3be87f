"""The API's routes, one thin module per resource, gathered in `api_router`."""

from __future__ import annotations

from fastapi import APIRouter

from revcycle.api.routes import claims, codes, datasets, health, records, summary, x12

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(summary.router)
api_router.include_router(datasets.router)
api_router.include_router(codes.router)
api_router.include_router(x12.router)
api_router.include_router(claims.router)
api_router.include_router(records.router)
