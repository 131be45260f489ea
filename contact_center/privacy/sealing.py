"""Personal values in audit entries, sealed under their customer's key (AES-256-GCM).

An audit entry keeps in clear what staff need to follow a change (who, when, which fields) and
seals the values themselves. The sealed form is
`{"customer_id": 7, "fields": [...], "sealed": "v1:<base64 nonce + ciphertext>"}`; the customer's
id is also the authenticated data, so a sealed value copied into another customer's entry does not
open. Once the key is deleted (erasure), the entry reads as erased. Design: docs/privacy.md.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
NONCE_BYTES = 12
SEALED = "sealed"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(customer_id: int) -> bytes:
    return f"audit:customer:{customer_id}".encode()


def seal(key: bytes, customer_id: int, values: Mapping[str, Any]) -> str:
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(values, ensure_ascii=False, sort_keys=True).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, _aad(customer_id))
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(key: bytes, customer_id: int, token: str) -> dict[str, Any]:
    version, _, encoded = token.partition(":")
    if version != VERSION:
        raise ValueError(f"unknown sealed-value version {version!r}")
    raw = base64.b64decode(encoded)
    plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(customer_id))
    values = json.loads(plain)
    assert isinstance(values, dict)
    return values


def sealed_changes(
    key: bytes, customer_id: int, personal: Mapping[str, Any], clear: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An audit entry's `changes`: `clear` as it is, `personal` sealed, the fields named."""
    fields = sorted(personal.get("after", personal))
    return {
        "fields": fields,
        **(clear or {}),
        "customer_id": customer_id,
        SEALED: seal(key, customer_id, personal),
    }


def is_sealed(changes: Mapping[str, Any]) -> bool:
    return isinstance(changes.get(SEALED), str) and isinstance(changes.get("customer_id"), int)


def readable(changes: Mapping[str, Any], keys: Mapping[int, bytes]) -> dict[str, Any]:
    """`changes` as staff read it: sealed values opened while the key exists, else marked erased."""
    if not is_sealed(changes):
        return dict(changes)
    clear = {k: v for k, v in changes.items() if k not in (SEALED, "customer_id")}
    key = keys.get(int(changes["customer_id"]))
    if key is None:
        return {**clear, "erased": True}
    try:
        return {**clear, **unseal(key, int(changes["customer_id"]), str(changes[SEALED]))}
    except (InvalidTag, ValueError):
        return {**clear, "unreadable": True}
