"""Reading a plan file: YAML with the line of every value kept, so errors can point into the file."""

import re
from typing import Any

import yaml
from django.utils.translation import gettext as _

Path = tuple[str | int, ...]

# A line that starts like "key： value" (or "- key： value"): an English key typed with a Chinese keyboard's colon.
FULL_WIDTH_COLON_KEY = re.compile(r"^\s*(?:-\s+)*[A-Za-z_][A-Za-z0-9_.-]*\s*：")
# How far above the place PyYAML stopped a slip may sit: a line it read on as the text of the line before.
SLIP_LOOKBACK = 3


class YamlSyntaxError(Exception):
    """The text is not YAML: `problem` says what is wrong (translated), `message` says it about the file.

    A slip (a tab indent, a full-width colon) is named as such: it says its line, and that the file is YAML
    matters less than what to type instead.
    """

    def __init__(self, problem: str, line: int | None, *, slip: bool = False) -> None:
        self.problem, self.line, self.slip = problem, line, slip
        self.message = problem if slip else _("The file is not valid YAML: %(problem)s") % {"problem": problem}
        super().__init__(self.message)


class _Loader(yaml.SafeLoader):
    """The safe loader, except that a date that does not exist (2025-04-31) stays text.

    PyYAML's own constructor raises a bare ValueError for it, with no line; as text it reaches the schema, which
    says at the field's own path and line that there is no such date.
    """


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _slip(lines: list[str], first: int, last: int) -> tuple[int, str] | None:
    """The nearest line in first..last (1-based) indented with a tab or with a key before a full-width colon."""
    for number in range(min(last, len(lines)), max(first, 1) - 1, -1):
        line = lines[number - 1]
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            return number, _("Line %(line)d uses a tab for indentation; indent with spaces.") % {"line": number}
        if FULL_WIDTH_COLON_KEY.match(line):
            return number, _("Line %(line)d uses a full-width colon “：”; use “:”.") % {"line": number}
    return None


def colon_slip(text: str) -> str | None:
    """The message for the first line of `text` with a key before a full-width colon, if any.

    For YAML that reads without error but not as the mapping expected: "default_hours：2" is one string.
    """
    for number, line in enumerate(text.splitlines(), start=1):
        if FULL_WIDTH_COLON_KEY.match(line):
            return _("Line %(line)d uses a full-width colon “：”; use “:”.") % {"line": number}
    return None


def _problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's description of the problem, in the user's language where it is a common one."""
    problem, context = exc.problem or "", exc.context or ""
    if problem == "could not find expected ':'":
        return _("a colon “:” is missing after a key")
    if problem == "mapping values are not allowed here":
        return _("a “key: value” is not allowed here; check the indentation, or put text containing “: ” in quotes")
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return _("a quotation mark is not closed")
    if problem.startswith(("expected <block end>", "did not find expected key", "did not find expected '-'")):
        return _("the indentation does not match the lines above")
    if problem.startswith("expected ',' or ']'"):
        return _("a list in [ ] is not closed")
    if problem.startswith("expected ',' or '}'"):
        return _("a mapping in { } is not closed")
    if problem.startswith("found undefined alias"):
        return _("“*” refers to an anchor that does not exist; put the text in quotes")
    found = re.match(r"found character '(.+)' that cannot start any token", problem)
    if found:
        return _("a value cannot start with “%(char)s”; put the text in quotes") % {"char": found.group(1)}
    return problem or context


def load_yaml(text: str, *, node_tree: bool = False) -> Any:
    """The data in the YAML `text` (and its node tree when asked), or YamlSyntaxError saying what and on which line.

    Nothing else escapes: a date that does not exist stays text, a tab indent or a full-width colon after a key
    is named with its own line.
    """
    try:
        root = yaml.compose(text, Loader=_Loader) if node_tree else None
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        marks = [m.line + 1 for m in (exc.problem_mark, exc.context_mark) if m is not None]
        if not marks:
            raise YamlSyntaxError(_problem(exc), None) from None
        slip = _slip(text.splitlines(), min(marks) - SLIP_LOOKBACK, max(marks))
        if slip is not None:
            raise YamlSyntaxError(slip[1], slip[0], slip=True) from None
        line = exc.problem_mark.line + 1 if exc.problem_mark else min(marks)
        raise YamlSyntaxError(_problem(exc), line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), None) from None
    return (data, root) if node_tree else data


class PlanSource:
    """The parsed data and the YAML node tree of the same text."""

    def __init__(self, text: str) -> None:
        self.data, self.root = load_yaml(text, node_tree=True)

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
