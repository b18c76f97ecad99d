"""Plan data for tests: a small plan on the `tree` fixture's organisations, as a dict or as YAML."""

import copy
import datetime
from typing import Any

import yaml


def plan_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "test-2024",
        "title": "测试市职工素质提升活动方案",
        "year": 2024,
        "organiser": "DH-ZWH",
        "goals": "提升职工素质。",
        "sections": [{"key": "training", "title": "深入开展职工素质提升培训活动"}],
        "phases": [
            {"key": "launch", "title": "启动阶段", "start": datetime.date(2024, 4, 10),
             "end": datetime.date(2024, 4, 20)},
            {"key": "rollout", "title": "实施阶段", "start": datetime.date(2024, 4, 20),
             "end": datetime.date(2024, 5, 31)},
            {"key": "finals", "title": "决赛阶段", "start": datetime.date(2024, 6, 1),
             "end": datetime.date(2024, 6, 30)},
        ],
        "activities": [
            {"key": "lectures", "kind": "training", "title": "职工素质提升讲座", "section": "training",
             "open_in": {"enroll": ["launch", "rollout"], "check_in": ["launch", "rollout"]},
             "settings": {"default_hours": 2}},
            {"key": "suggestions", "kind": "collection", "title": "合理化建议征集", "org_types": ["enterprise"],
             "open_in": {"submit": ["launch"], "review": ["rollout"]}},
        ],
        "targets": [
            {"key": "city-total", "title": "全市培训职工万名以上", "metric": "training.people", "form": "total",
             "threshold": 10000, "deadline": "rollout"},
        ],
        "awards": [{"key": "stars", "title": "技术标兵", "text": "获前10名的选手授予称号。", "top": 10}],
    }
    for key, value in overrides.items():
        data[key] = value
    return copy.deepcopy(data)


def plan_yaml(**overrides: Any) -> str:
    return yaml.safe_dump(plan_data(**overrides), allow_unicode=True, sort_keys=False)
