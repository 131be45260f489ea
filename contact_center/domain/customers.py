"""The customer record (客户档案) and the identities that resolve any inbound contact to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import enum_field, json_field, utc_field
from contact_center.domain.enums import CustomerClass, IdentityKind, LifecycleStage


class Customer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=200, index=True)
    company: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=100)
    industry: str = Field(default="", max_length=100)
    size_band: str | None = Field(default=None, max_length=20)
    tags: list[str] = json_field(list)
    customer_class: CustomerClass = enum_field(CustomerClass, default=CustomerClass.REGULAR, index=True)
    lifecycle_stage: LifecycleStage = enum_field(LifecycleStage, default=LifecycleStage.POTENTIAL)
    consent: dict[str, bool] = json_field(dict)
    value: float = 0.0
    owner_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    last_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    last_contact_at: datetime | None = utc_field(nullable=True)
    merged_into_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    #: Set when the customer's personal data was erased on request: the row stays as an anonymous
    #: placeholder so interactions, scores and reports still count (docs/privacy.md).
    erased_at: datetime | None = utc_field(nullable=True)


class CustomerIdentity(SQLModel, table=True):
    """One normalised address (E.164 phone, lower-cased email, chat visitor id), owned by one customer."""

    __tablename__ = "customer_identity"
    __table_args__ = (UniqueConstraint("kind", "address", name="uq_identity_kind_address"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: IdentityKind = enum_field(IdentityKind)
    address: str = Field(max_length=254, index=True)
    created_at: datetime = utc_field()
