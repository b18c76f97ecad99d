"""Forms defined in plan files (表单): typed field definitions, and from one definition the checking of submitted
values, a Django form for phones, the API schema and the export columns.

- `fields`: the definitions (`FormDef`, a list of fields discriminated by `type`), as plan files write them.
- `values`: submitted values → the JSON to store, or errors naming the field (and a table's row) in Chinese.
- `djforms`: the Django form. `apischema`: the Pydantic model / JSON Schema. `excel`: headers and cells.
- `settings`: a kind's settings model as fields, for the plan editor.

A kind takes a form in its settings with `form: FormDef | None = None` in its settings model; the plan check
then reports a bad form definition at its line, like any other setting.
"""

from suzhi.campaigns.formdefs.fields import FIELD_TYPES, FieldDef, FieldProblem, FormDef, Option
from suzhi.campaigns.formdefs.settings import Label
from suzhi.campaigns.formdefs.values import (
    FieldError,
    FormInvalid,
    Resolver,
    ScopedResolver,
    check_values,
    clean_values,
)

__all__ = ["FIELD_TYPES", "FieldDef", "FieldError", "FieldProblem", "FormDef", "FormInvalid", "Label", "Option",
           "Resolver", "ScopedResolver", "check_values", "clean_values"]
