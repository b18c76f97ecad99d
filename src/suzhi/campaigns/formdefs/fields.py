"""The typed fields a plan file defines a form with (表单字段), and how each cleans one submitted value.

Every definition is a Pydantic model, so a form written in a plan file is checked like the rest of the plan
(`plan.check`). `clean()` turns one submitted value into its JSON-safe stored form or raises `FieldProblem`
with a Chinese (translated) sentence that does not name the field: `values.check_values` and the Django
form put the label (and the row of a table) in front of it.
"""

import datetime
import decimal
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import Field, model_validator

from suzhi.campaigns.plan.schema import Key, PlanModel, Title

FIELD_TYPES = ("text", "long_text", "number", "date", "choice", "multi_choice", "yes_no", "person", "organisation",
               "attachment", "table")
DEFAULT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"]
YES_WORDS = {"true", "1", "yes", "y", "on", "是", "有", "√"}
NO_WORDS = {"false", "0", "no", "n", "off", "否", "无", "×"}


class FieldProblem(Exception):
    """One value that cannot be stored; `message` is for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {}, ())


class Option(PlanModel):
    """A choice: what is stored (`value`) and what people see (`label`, default the value).

    A plan may write an option as plain text (`options: [一等奖, 二等奖]`): that text is both."""

    value: Title
    label: str = Field("", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, data: Any) -> Any:
        return {"value": data} if isinstance(data, str | int | float) and not isinstance(data, bool) else data

    @property
    def text(self) -> str:
        return self.label or self.value


class FieldBase(PlanModel):
    key: Key
    label: Title = Field(description="The field's name as people see it, e.g. 项目名称.")
    required: bool = False
    help: str = Field("", max_length=500, description="A hint shown under the field.")

    def clean(self, value: Any) -> Any:
        """The stored form of `value`; None when empty and not required."""
        if is_empty(value):
            if self.required:
                raise FieldProblem(_("This field is required."))
            return None
        return self.clean_present(value)

    def clean_present(self, value: Any) -> Any:
        raise NotImplementedError


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | decimal.Decimal):
        raise FieldProblem(_("Must be text."))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


class TextDef(FieldBase):
    """One line of text (单行文本)."""

    type: Literal["text"]
    max_length: int = Field(200, gt=0, le=2000)

    def clean_present(self, value: Any) -> str:
        text = _text(value)
        if "\n" in text:
            raise FieldProblem(_("Must be a single line."))
        if len(text) > self.max_length:
            raise FieldProblem(_("Too long: at most %(max)s characters.") % {"max": self.max_length})
        return text


class LongTextDef(FieldBase):
    """Several lines of text (多行文本)."""

    type: Literal["long_text"]
    max_length: int = Field(5000, gt=0, le=20000)

    def clean_present(self, value: Any) -> str:
        text = _text(value)
        if len(text) > self.max_length:
            raise FieldProblem(_("Too long: at most %(max)s characters.") % {"max": self.max_length})
        return text


def _decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise FieldProblem(_("Must be a number."))
    if isinstance(value, str):
        # Full-width digits and separators typed on a Chinese keyboard, and thousands separators.
        value = value.strip().translate(str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")).replace(",", "")
    try:
        number = decimal.Decimal(str(value)) if isinstance(value, int | float | str) else decimal.Decimal(value)
    except (decimal.InvalidOperation, TypeError, ValueError):
        raise FieldProblem(_("Must be a number.")) from None
    if not number.is_finite():
        raise FieldProblem(_("Must be a number."))
    return number


class NumberDef(FieldBase):
    """A number (数值), with its unit, e.g. 万元 or 人."""

    type: Literal["number"]
    unit: str = Field("", max_length=20, description="Shown after the field and in the export's header.")
    min: float | None = None
    max: float | None = None
    decimals: int | None = Field(None, ge=0, le=6, description="Digits allowed after the point; 0: whole numbers.")

    @model_validator(mode="after")
    def _bounds(self) -> "NumberDef":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min_over_max")
        return self

    def clean_present(self, value: Any) -> int | float:
        number = _decimal(value)
        if self.decimals is not None and max(0, -int(number.normalize().as_tuple().exponent)) > self.decimals:
            if self.decimals == 0:
                raise FieldProblem(_("Must be a whole number."))
            raise FieldProblem(_("At most %(n)s digit(s) after the point.") % {"n": self.decimals})
        if self.min is not None and number < decimal.Decimal(str(self.min)):
            raise FieldProblem(_("Must be at least %(n)s.") % {"n": plain_number(self.min)})
        if self.max is not None and number > decimal.Decimal(str(self.max)):
            raise FieldProblem(_("Must be at most %(n)s.") % {"n": plain_number(self.max)})
        return int(number) if number == number.to_integral_value() else float(number)


def plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class DateDef(FieldBase):
    """A day (日期)."""

    type: Literal["date"]
    min: datetime.date | None = None
    max: datetime.date | None = None

    def clean_present(self, value: Any) -> str:
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            found = DATE_TEXT.match(str(value).strip())
            if not found:
                raise FieldProblem(_("Must be a date such as 2024-04-10."))
            try:
                day = datetime.date(*(int(part) for part in found.groups()))
            except ValueError:
                raise FieldProblem(_("There is no date %(value)s: check the month and the day.")
                                   % {"value": str(value).strip()}) from None
        if self.min is not None and day < self.min:
            raise FieldProblem(_("Must be on or after %(day)s.") % {"day": self.min.isoformat()})
        if self.max is not None and day > self.max:
            raise FieldProblem(_("Must be on or before %(day)s.") % {"day": self.max.isoformat()})
        return day.isoformat()


class _Choices(FieldBase):
    options: list[Option] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_options(self) -> "_Choices":
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError("duplicate_option")
        return self

    def option_value(self, value: Any) -> str:
        """The stored value of an option given by its value or its label."""
        text = str(value).strip()
        for option in self.options:
            if text in (option.value, option.label):
                return option.value
        raise FieldProblem(_("“%(value)s” is not one of the choices.") % {"value": text})

    def text_of(self, value: str) -> str:
        return next((option.text for option in self.options if option.value == value), value)


class ChoiceDef(_Choices):
    """One of the options (单选)."""

    type: Literal["choice"]

    def clean_present(self, value: Any) -> str:
        return self.option_value(value)


class MultiChoiceDef(_Choices):
    """Any of the options (多选); stored in the options' order."""

    type: Literal["multi_choice"]
    min_selected: int | None = Field(None, ge=1)
    max_selected: int | None = Field(None, ge=1)

    def clean_present(self, value: Any) -> list[str]:
        items = re.split(r"[,，、;；\n]+", value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple | set):
            raise FieldProblem(_("Must be a list."))
        chosen = {self.option_value(item) for item in items if not is_empty(item)}
        if self.min_selected and len(chosen) < self.min_selected:
            raise FieldProblem(_("Choose at least %(n)s.") % {"n": self.min_selected})
        if self.max_selected and len(chosen) > self.max_selected:
            raise FieldProblem(_("Choose at most %(n)s.") % {"n": self.max_selected})
        return [option.value for option in self.options if option.value in chosen]


class YesNoDef(FieldBase):
    """是 or 否."""

    type: Literal["yes_no"]

    def clean_present(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise FieldProblem(_("Must be yes or no."))


def _ids(value: Any, multiple: bool) -> list[int]:
    items = value if isinstance(value, list | tuple) else (
        re.split(r"[,，、\s]+", value.strip()) if isinstance(value, str) else [value])
    ids = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("id")
        if is_empty(item):
            continue
        if isinstance(item, bool) or not (isinstance(item, int) or (isinstance(item, str) and item.isdigit())):
            raise FieldProblem(_("“%(value)s” is not a valid choice.") % {"value": item})
        ids.append(int(item))
    if len(ids) > 1 and not multiple:
        raise FieldProblem(_("Choose only one."))
    return list(dict.fromkeys(ids))


class PersonDef(FieldBase):
    """A person of the roster (人员), chosen within the submitter's scope; stored as {id, name}."""

    type: Literal["person"]
    multiple: bool = False

    def clean_present(self, value: Any) -> list[int]:
        """The ids; `values.check_values` checks them against the scope and stores them with their names."""
        return _ids(value, self.multiple)


class OrganisationDef(FieldBase):
    """An organisation (单位), chosen within the submitter's scope; stored as {id, name}."""

    type: Literal["organisation"]
    multiple: bool = False

    def clean_present(self, value: Any) -> list[int]:
        return _ids(value, self.multiple)


class AttachmentDef(FieldBase):
    """Uploaded files (附件): stored as a list of {name, size, ref}; the kind stores the file and sets `ref`."""

    type: Literal["attachment"]
    extensions: list[Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")]] = Field(
        default_factory=lambda: list(DEFAULT_EXTENSIONS), description="Allowed file types, without the dot.")
    max_size_mb: float = Field(10, gt=0, le=200)
    max_files: int = Field(1, ge=1, le=20)

    @model_validator(mode="after")
    def _checkable(self) -> "AttachmentDef":
        # Only types whose content the file store can check against their extension (suzhi.core.files).
        from suzhi.core.files.checks import SUPPORTED_EXTENSIONS

        unsupported = [ext for ext in self.extensions if ext not in SUPPORTED_EXTENSIONS]
        if unsupported:
            raise ValueError(f"unsupported_file_type:{', '.join(unsupported)}")
        return self

    def clean_present(self, value: Any) -> list[dict[str, Any]]:
        items = value if isinstance(value, list | tuple) else [value]
        files = []
        for item in items:
            if isinstance(item, dict):
                name, size, ref = item.get("name"), item.get("size"), item.get("ref", "")
            else:  # an uploaded file
                name, size, ref = getattr(item, "name", None), getattr(item, "size", None), ""
            if not isinstance(name, str) or not name.strip() or isinstance(size, bool) or not isinstance(size, int):
                raise FieldProblem(_("Not a file."))
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix not in self.extensions:
                raise FieldProblem(_("“%(name)s”: only %(types)s files are accepted.")
                                   % {"name": name, "types": ", ".join(self.extensions)})
            if size > self.max_size_mb * 1024 * 1024:
                raise FieldProblem(_("“%(name)s” is larger than %(mb)s MB.")
                                   % {"name": name, "mb": plain_number(self.max_size_mb)})
            files.append({"name": name.strip(), "size": size, "ref": str(ref or "")})
        if len(files) > self.max_files:
            raise FieldProblem(_("At most %(n)s file(s).") % {"n": self.max_files})
        return files


ColumnDef = Annotated[
    TextDef | LongTextDef | NumberDef | DateDef | ChoiceDef | MultiChoiceDef | YesNoDef | PersonDef
    | OrganisationDef | AttachmentDef,
    Field(discriminator="type"),
]


def _unique_keys(fields: list[Any], code: str) -> None:
    seen: set[str] = set()
    for field in fields:
        if field.key in seen:
            raise ValueError(f"{code}:{field.key}")
        seen.add(field.key)


class TableDef(FieldBase):
    """A table of rows (明细表), e.g. the members of a team; each column is a field of another type."""

    type: Literal["table"]
    columns: list[ColumnDef] = Field(min_length=1, max_length=30)
    min_rows: int = Field(0, ge=0, le=500)
    max_rows: int = Field(50, ge=1, le=500)

    @model_validator(mode="after")
    def _shape(self) -> "TableDef":
        _unique_keys(self.columns, "duplicate_column_key")
        if self.min_rows > self.max_rows:
            raise ValueError("min_rows_over_max_rows")
        return self

    def clean(self, value: Any) -> Any:
        raise TypeError("tables are cleaned row by row by values.check_values")

    def clean_present(self, value: Any) -> Any:
        raise TypeError("tables are cleaned row by row by values.check_values")


FieldDef = Annotated[
    TextDef | LongTextDef | NumberDef | DateDef | ChoiceDef | MultiChoiceDef | YesNoDef | PersonDef
    | OrganisationDef | AttachmentDef | TableDef,
    Field(discriminator="type"),
]


class FormDef(PlanModel):
    """A form (表单) as a plan defines it: its fields in order, each with a key unique in the form."""

    fields: list[FieldDef] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _unique(self) -> "FormDef":
        _unique_keys(self.fields, "duplicate_field_key")
        return self

    def field(self, key: str) -> Any:
        return next((field for field in self.fields if field.key == key), None)
