"""All models, imported once so that SQLAlchemy and Alembic see every table."""
from .api_key import ApiKeyGrant
from .audit import AuditLog
from .catalog import OptionType, Product, product_option_type
from .contract import Contract, ContractOption
from .customer import ContactPerson, Customer, Location
from .document import CallRecord, Document, Invoice
from .option_order import DraftUpload, OrderDraft
from .order import Order, OrderItem, OrderStep
from .outbox import OutboxMessage
from .self_care import ProvisioningChange
from .security import AuthFailure, EServiceUser, OneTimeToken, PasswordResetRequest, PinChallenge, UserSession
from .security import PermissionVersion  # noqa: F401  - the role-permission counter (R-BO-4)
from .telephony import (
    CallForwarding, Cpe, DslAccount, PhoneNumber, Shipment, SipAccount, TrunkRegistration,
)
from .ticket import Ticket, TicketAttachment, TicketComment

__all__ = [
    "ApiKeyGrant", "AuditLog", "AuthFailure", "CallForwarding", "CallRecord", "ContactPerson", "Contract",
    "ContractOption", "Cpe", "Customer", "Document", "DraftUpload", "DslAccount", "EServiceUser", "Invoice",
    "Location", "OneTimeToken", "OptionType", "Order", "OrderDraft", "OrderItem", "OrderStep", "OutboxMessage",
    "PasswordResetRequest", "PhoneNumber", "ProvisioningChange", "PinChallenge", "Product", "Shipment", "SipAccount",
    "Ticket", "TicketAttachment", "TicketComment", "TrunkRegistration", "UserSession", "product_option_type",
]
