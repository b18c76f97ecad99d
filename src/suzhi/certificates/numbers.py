"""Certificate numbers (证书编号) and verification codes.

A number reads ISSUER-YEAR-SEQUENCE ("DH-2024-000001"): the issuing organisation's code, the year of issue and
the issuer's running count in that year, taken from a locked CertificateSequence row so concurrent issues never
share one. The verification code is random (12 characters from an alphabet without 0/O, 1/I/L), what the QR
carries and what a person types on the public page."""

import secrets

from suzhi.certificates.models import CODE_LENGTH, Certificate, CertificateSequence
from suzhi.core.models import Organisation

# Read aloud or typed from paper: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def format_number(issuer_code: str, year: int, sequence: int) -> str:
    return f"{issuer_code.upper()}-{year}-{sequence:06d}"


def lock_sequence(issuer: Organisation, year: int) -> CertificateSequence:
    """The issuer's sequence of `year`, locked until the issuing transaction ends: whoever issues under the same
    issuer meanwhile waits here, and then sees what this transaction issued."""
    # Created on first use without a race: a second creator does nothing and then waits on the row lock.
    CertificateSequence.objects.bulk_create([CertificateSequence(issuer=issuer, year=year)], ignore_conflicts=True)
    return CertificateSequence.objects.select_for_update().get(issuer=issuer, year=year)


def take_numbers(sequence: CertificateSequence, issuer: Organisation, count: int) -> list[str]:
    """`count` consecutive numbers from a sequence locked by lock_sequence."""
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [format_number(issuer.code, sequence.year, n) for n in range(first, first + count)]


def new_codes(count: int) -> list[str]:
    """`count` verification codes no certificate has (the unique index is the final word)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {"".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH)) for _j in range(count - len(codes))}
        taken = set(Certificate.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return list(codes)
