"""The plan editor (新建活动, 编辑方案): the plan file's parts as forms.

- `fields`: the editor's own form fields. `rows`: the forms of the plan's parts and list rows.
- `activity`: an activity, with its kind's actions as phase boxes and its settings as fields.
- `page`: `PlanEditor`, every form of the page, and the plan ⇄ forms mapping.
"""

from suzhi.campaigns.forms.editor.page import FORMSETS, LIST_PREFIXES, MAX_ROWS, PlanEditor

__all__ = ["FORMSETS", "LIST_PREFIXES", "MAX_ROWS", "PlanEditor"]
