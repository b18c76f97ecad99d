"""The demo campaigns: every plan file in PLANS_DIR, loaded through the same service as an upload. A file
already loaded unchanged is skipped, so `make demo` can run again without touching anything."""

import logging
from typing import Any

from django.conf import settings

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.check import parse_plan_text

logger = logging.getLogger(__name__)


def load_campaigns_demo(admin: Any) -> None:
    from suzhi.campaigns.services.plans import plan_load

    for path in sorted(settings.PLANS_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8-sig")
        plan = parse_plan_text(text)
        if Campaign.objects.filter(code=plan.code, source=text).exists():
            continue
        plan_load(actor=admin, text=text)
        logger.info("demo plan loaded: %s", plan.code)
