"""Training over the API (/api/v1/training)."""

from ninja import Router

router = Router(tags=["training"])
