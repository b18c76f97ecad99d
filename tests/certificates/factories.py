"""Certificates for the tests: 荣誉证书 issued the way the honours will issue them (a test kind of its own)."""

import hashlib
import io
from typing import Any

from pypdf import PdfReader

from suzhi.certificates.services.issue import certificate_issue

KIND = "test.award"  # not "honour": the honours app registers that one


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue_honour(actor: Any, issuer: Any, *, key: str = "1", name: str = "王小五", person: Any = None,
                 title: str = "优秀志愿者", reason: str = "在职工素质提升活动中表现突出", content: str = "v1",
                 campaign: Any = None, **extra: Any) -> Any:
    return certificate_issue(actor=actor, kind=KIND, source_key=key, recipient_name=name, person=person,
                             issuer=issuer, campaign=campaign, fields={"title": title, "reason": reason},
                             digest=digest_of(content), **extra)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
