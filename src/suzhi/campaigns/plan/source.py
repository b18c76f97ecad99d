"""Reading a plan file: YAML with the line of every value kept, so errors can point into the file."""

from typing import Any

import yaml
from django.utils.translation import gettext as _

Path = tuple[str | int, ...]


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class PlanSource:
    """The parsed data and the YAML node tree of the same text."""

    def __init__(self, text: str) -> None:
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data: Any = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or ""
            raise YamlSyntaxError(
                _("The file is not valid YAML: %(problem)s") % {"problem": problem},
                mark.line + 1 if mark else None,
            ) from None
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(_("The file is not valid YAML: %(problem)s") % {"problem": exc}, None) from None

    def line_of(self, path: Path) -> int | None:
        """The 1-based line of the value at `path`, or of the nearest enclosing value that exists."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        child = value_node
                        # A value on the next lines (a block) belongs to the key's line.
                        line = key_node.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
            if child is None:
                return line
            node = child
        return line


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
