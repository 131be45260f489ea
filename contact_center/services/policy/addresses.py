"""Phones and emails as a reader is shown them: in full to supervisors and admins, else masked.

Kept apart from the customer rules because every reader of an identity (customer pages, the
desk, the API) goes through `shown_address`, the one place an address is prepared for display.
"""

from __future__ import annotations

import phonenumbers

from contact_center.domain.enums import IdentityKind
from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import MANAGERS


def sees_full_addresses(principal: Principal) -> bool:
    """Phones and emails in full: supervisors and admins; everyone else sees them masked."""
    return principal.role in MANAGERS


def shown_address(principal: Principal, kind: IdentityKind, address: str) -> str:
    """The one place an identity is prepared for a reader: in full, or masked."""
    return address if sees_full_addresses(principal) else mask_address(kind, address)


def mask_address(kind: IdentityKind, address: str) -> str:
    """`+86 138****5678`, `a***@example.com`, `vis***`: enough to recognise, not to reach."""
    if kind is IdentityKind.PHONE:
        return mask_phone(address)
    if kind is IdentityKind.EMAIL:
        return mask_email(address)
    return address[:3] + "***"


def mask_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
        country, national = f"+{number.country_code}", str(number.national_number)
    except phonenumbers.NumberParseException:
        country, national = "", "".join(ch for ch in e164 if ch.isdigit())
    keep_head = 3 if len(national) >= 10 else 2 if len(national) >= 7 else 0
    keep_tail = 4 if len(national) >= 8 else 2
    hidden = max(len(national) - keep_head - keep_tail, 4)
    shown = f"{national[:keep_head]}{'*' * hidden}{national[-keep_tail:]}"
    return f"{country} {shown}" if country else shown


def mask_email(address: str) -> str:
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address[:1] + "***"
    return f"{local[:1]}***@{domain}"
