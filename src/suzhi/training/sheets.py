"""Training lists as import sheets: an enrolment list (报名名单), a paper sign-in sheet (签到表) and an outside
platform's completion list of a remote course (远程培训完成名单): their columns and templates."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from suzhi.core.imports import Column, Columns, template_xlsx

ENROL, SIGN_IN, REMOTE = "enrol", "sign_in", "remote"
KINDS = (ENROL, SIGN_IN, REMOTE)

# The lists come in Chinese: the headers the templates write are Chinese whatever the interface language.
_ALL = Columns((
    Column("id_number", "身份证号", variants=("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号",
                                              "id number")),
    Column("name", "姓名", variants=("姓名", "名字", "name")),
    Column("hours", "学时", variants=("学时", "学时数", "获得学时", "hours", "credit hours")),
    Column("completed_at", "完成时间",
           variants=("完成时间", "完成日期", "结业时间", "completed at", "completion time")),
))

LAYOUTS: dict[str, Columns] = {
    ENROL: _ALL.subset(["name", "id_number"], required=["id_number", "name"]),
    SIGN_IN: _ALL.subset(["id_number", "name", "hours"], required=["id_number", "name"]),
    REMOTE: _ALL.subset(["id_number", "name", "hours", "completed_at"],
                        required=["id_number", "name", "hours", "completed_at"]),
}

TITLES: dict[str, Promise] = {
    ENROL: gettext_lazy("Import an enrolment list"),
    SIGN_IN: gettext_lazy("Import a sign-in sheet"),
    REMOTE: gettext_lazy("Import remote course completions"),
}


def list_template(kind: str) -> bytes:
    return template_xlsx(LAYOUTS[kind], sheet_title=str(TITLES[kind]))
