from ninja import Router

router = Router(tags=["评审"])
