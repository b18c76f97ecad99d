from suzhi.core.models.accounts import ApiToken, Role, RoleAssignment, User
from suzhi.core.models.activation import ActivationCode
from suzhi.core.models.dictionaries import DictItem, DictType, SystemParameter
from suzhi.core.models.files import StoredFile
from suzhi.core.models.jobs import ExportJob, PendingRefresh
from suzhi.core.models.logs import LoginLog, OperationLog
from suzhi.core.models.notices import Notice, NoticeRead
from suzhi.core.models.orgs import Organisation

__all__ = [
    "ActivationCode",
    "ApiToken",
    "DictItem",
    "DictType",
    "ExportJob",
    "LoginLog",
    "Notice",
    "NoticeRead",
    "OperationLog",
    "Organisation",
    "PendingRefresh",
    "Role",
    "RoleAssignment",
    "StoredFile",
    "SystemParameter",
    "User",
]
