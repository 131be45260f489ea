"""Normalised customer addresses, so one phone number or mailbox always resolves to one customer."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from contact_center.domain.enums import IdentityKind
from contact_center.domain.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class Address:
    kind: IdentityKind
    value: str

    @staticmethod
    def phone(raw: str, default_region: str = "US") -> Address:
        return Address(IdentityKind.PHONE, normalise_phone(raw, default_region))

    @staticmethod
    def email(raw: str) -> Address:
        return Address(IdentityKind.EMAIL, normalise_email(raw))

    @staticmethod
    def chat(raw: str) -> Address:
        value = raw.strip()
        if not value or len(value) > 128:
            raise InvalidInputError("a chat visitor id must have 1 to 128 characters")
        return Address(IdentityKind.CHAT, value)

    @staticmethod
    def of(kind: IdentityKind, raw: str, default_region: str = "US") -> Address:
        if kind is IdentityKind.PHONE:
            return Address.phone(raw, default_region)
        if kind is IdentityKind.EMAIL:
            return Address.email(raw)
        return Address.chat(raw)


def normalise_phone(raw: str, default_region: str = "US") -> str:
    """E.164 (`+8613800138000`); national numbers are read in `default_region`."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInputError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidInputError(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    value = raw.strip().lower()
    local, sep, domain = value.rpartition("@")
    if not sep or not local or "." not in domain or " " in value or len(value) > 254:
        raise InvalidInputError(f"not an email address: {raw!r}")
    return value
