"""Every closed set of values in the data model, with its translated label.

Values are stable English codes stored in the database; labels are msgids
(English) translated to the manual's German wording in `translations/de`.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a lazily translated label."""

    @property
    def label(self):
        return _LABELS[self]

    @classmethod
    def choices(cls):
        """(value, label) pairs for forms and filters."""
        return [(m.value, m.label) for m in cls]

    def __str__(self) -> str:
        return str(self.label)


# --- Customers -----------------------------------------------------------
class InvoiceDelivery(LabeledEnum):
    PORTAL = "portal"
    PORTAL_AND_POST = "portal_post"


class ContactConsent(LabeledEnum):
    NONE = "none"
    EMAIL = "email"
    PHONE = "phone"
    EMAIL_AND_PHONE = "email_phone"


class ContactRole(LabeledEnum):
    TELECOM = "telecom"
    COMMERCIAL = "commercial"
    TECHNICAL = "technical"
    ACCOUNTING = "accounting"
    PORTAL_ADMIN = "portal_admin"
    OTHER = "other"


# --- Catalog -------------------------------------------------------------
class ProductKind(LabeledEnum):
    SIP_TRUNK = "sip_trunk"
    SIP_ACCOUNT = "sip_account"
    CLOUD_PHONE = "cloud_phone"
    VOICE_SMART = "voice_smart"
    DATA_LINE = "data_line"
    DSL = "dsl"

    @property
    def is_voice(self) -> bool:
        return self in VOICE_KINDS

    @property
    def takes_new_numbers(self) -> bool:
        """R-WIZ-2: numbers can be added for SIP-Trunk and SIP-Account/Centrex only."""
        return self in (ProductKind.SIP_TRUNK, ProductKind.SIP_ACCOUNT)


VOICE_KINDS = frozenset(
    {ProductKind.SIP_TRUNK, ProductKind.SIP_ACCOUNT, ProductKind.CLOUD_PHONE, ProductKind.VOICE_SMART}
)


class OptionFeature(LabeledEnum):
    """What booking an option enables (R-SIP-7) or means to the business rules."""

    NONE = "none"
    VOICE_CHANNELS = "voice_channels"
    FAILOVER_FORWARDING = "failover_forwarding"
    PERMANENT_FORWARDING = "permanent_forwarding"
    MULTI_REGISTRATION = "multi_registration"
    DSL_ACCESS = "dsl_access"
    ROUTER = "router"
    EXPRESS_FAULT_CLEARING = "express_fault_clearing"
    DATA_LINE = "data_line"
    PAPER_INVOICE = "paper_invoice"


# --- Contracts -----------------------------------------------------------
class ContractStatus(LabeledEnum):
    """R-CON-1. Only ACTIVE allows changes; the wizard also accepts ACTIVE_PENDING."""

    ACTIVE_PENDING = "active_pending"
    ACTIVE = "active"
    BLOCKED = "blocked"
    INACTIVE_PENDING = "inactive_pending"
    INACTIVE = "inactive"


class RegistrationMode(LabeledEnum):
    LOAD_SHARING = "load_sharing"
    REDUNDANT = "redundant"


# --- Telephony -------------------------------------------------------------
class NumberKind(LabeledEnum):
    SINGLE = "single"
    BLOCK = "block"


class AreaCodeKind(LabeledEnum):
    LOCAL = "local"
    NATIONWIDE_032 = "032"


class NumberStatus(LabeledEnum):
    ACTIVE = "active"
    PENDING = "pending"
    PORTING = "porting"
    REMOVAL_ORDERED = "removal_ordered"
    REMOVED = "removed"


class NumberOrderKind(LabeledEnum):
    """The six ways to add numbers in the option wizard (R-WIZ-2)."""

    NEW_BLOCK_032 = "new_block_032"
    NEW_SINGLE_032 = "new_single_032"
    NEW_BLOCK_LOCAL = "new_block_local"
    NEW_SINGLE_LOCAL = "new_single_local"
    PORT_BLOCK = "port_block"
    PORT_SINGLE = "port_single"


class ForwardingKind(LabeledEnum):
    FAILOVER = "failover"
    PERMANENT = "permanent"


class ForwardingScope(LabeledEnum):
    BLOCK = "block"
    EXTENSION = "extension"
    SINGLE = "single"


class ShipmentStatus(LabeledEnum):
    PREPARED = "prepared"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"


# --- Orders --------------------------------------------------------------
class OrderStatus(LabeledEnum):
    """R-ORD-2."""

    OFFER_CREATED = "offer_created"
    OFFER_ACCEPTED = "offer_accepted"
    PROVISIONING = "provisioning"
    PARTIALLY_PROVISIONED = "partially_provisioned"
    PROVISIONED = "provisioned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderKind(LabeledEnum):
    """R-ORD-3."""

    NEW_PROVISION = "new_provision"
    OPTION_CHANGE = "option_change"
    PRODUCT_CHANGE = "product_change"
    TERMINATION = "termination"


class ItemChange(LabeledEnum):
    """R-WIZ-6 markers."""

    ADDED = "added"
    CHANGED = "changed"
    REDUCED = "reduced"


class StepStatus(LabeledEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


# --- Tickets -------------------------------------------------------------
class TicketKind(LabeledEnum):
    """R-TIC-1."""

    COMMISSIONING_FAULT = "commissioning_fault"
    FAULT = "fault"
    CLAIM = "claim"
    COMPLAINT = "complaint"
    OTHER = "other"


class TicketSubject(LabeledEnum):
    CONTRACT = "contract"
    INVOICE = "invoice"


class TicketStatus(LabeledEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self is not TicketStatus.CLOSED


# --- Documents -----------------------------------------------------------
class DocumentType(LabeledEnum):
    """R-INV-2 (billing) and R-DOC-1 (contract documents), plus wizard uploads."""

    INVOICE = "invoice"
    EVN_PDF = "evn_pdf"
    EVN_CSV = "evn_csv"
    SIGNED_ORDER = "signed_order"
    SIGNED_PORTING_FORM = "signed_porting_form"
    ORDER_CONFIRMATION = "order_confirmation"
    TERMINATION_CONFIRMATION = "termination_confirmation"
    SEPA_MANDATE = "sepa_mandate"
    ADDRESS_PROOF = "address_proof"


class InvoiceState(LabeledEnum):
    """Derived from the due date and the payment date (`Invoice.state`), never stored."""
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"


BILLING_DOCUMENT_TYPES = (DocumentType.INVOICE, DocumentType.EVN_PDF, DocumentType.EVN_CSV)
CONTRACT_DOCUMENT_TYPES = (
    DocumentType.SIGNED_ORDER,
    DocumentType.SIGNED_PORTING_FORM,
    DocumentType.ORDER_CONFIRMATION,
    DocumentType.TERMINATION_CONFIRMATION,
    DocumentType.SEPA_MANDATE,
    DocumentType.ADDRESS_PROOF,
)


# --- Accounts and messaging -----------------------------------------------
class UserStatus(LabeledEnum):
    """R-AUTH-10."""

    ACTIVE = "active"
    LOCKED = "locked"
    INACTIVE = "inactive"


class SecondFactor(LabeledEnum):
    NONE = "none"
    SMS = "sms"
    TOTP = "totp"


class TokenPurpose(LabeledEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"  # nosec B105  # an audit action's name, no secret


class Channel(LabeledEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(LabeledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


_LABELS = {
    InvoiceDelivery.PORTAL: _l("Customer portal (free of charge)"),
    InvoiceDelivery.PORTAL_AND_POST: _l("Customer portal and post (1.90 € per month)"),
    ContactConsent.NONE: _l("No contact"),
    ContactConsent.EMAIL: _l("Contact by email"),
    ContactConsent.PHONE: _l("Contact by phone"),
    ContactConsent.EMAIL_AND_PHONE: _l("Contact by email and phone"),
    ContactRole.TELECOM: _l("Telecommunications contact"),
    ContactRole.COMMERCIAL: _l("Commercial contact"),
    ContactRole.TECHNICAL: _l("Technical contact"),
    ContactRole.ACCOUNTING: _l("Accounting contact"),
    ContactRole.PORTAL_ADMIN: _l("Customer portal administrator"),
    ContactRole.OTHER: _l("Other contact"),
    ProductKind.SIP_TRUNK: _l("SIP trunk"),
    ProductKind.SIP_ACCOUNT: _l("SIP account (Centrex)"),
    ProductKind.CLOUD_PHONE: _l("cloud.phone"),
    ProductKind.VOICE_SMART: _l("voice.smart"),
    ProductKind.DATA_LINE: _l("Data line"),
    ProductKind.DSL: _l("DSL"),
    OptionFeature.NONE: _l("No self-care function"),
    OptionFeature.VOICE_CHANNELS: _l("Voice channels"),
    OptionFeature.FAILOVER_FORWARDING: _l("ecotel@once failover forwarding"),
    OptionFeature.PERMANENT_FORWARDING: _l("Permanent call forwarding"),
    OptionFeature.MULTI_REGISTRATION: _l("SIP trunk multi-registration"),
    OptionFeature.DSL_ACCESS: _l("DSL access"),
    OptionFeature.ROUTER: _l("Router (CPE)"),
    OptionFeature.EXPRESS_FAULT_CLEARING: _l("Express fault clearing"),
    OptionFeature.DATA_LINE: _l("Data line"),
    OptionFeature.PAPER_INVOICE: _l("Invoice by post"),
    ContractStatus.ACTIVE_PENDING: _l("Active – pending"),
    ContractStatus.ACTIVE: _l("Active"),
    ContractStatus.BLOCKED: _l("Blocked"),
    ContractStatus.INACTIVE_PENDING: _l("Inactive – pending"),
    ContractStatus.INACTIVE: _l("Inactive"),
    RegistrationMode.LOAD_SHARING: _l("Load sharing"),
    RegistrationMode.REDUNDANT: _l("Redundant mode"),
    NumberKind.SINGLE: _l("Single number"),
    NumberKind.BLOCK: _l("Number block"),
    AreaCodeKind.LOCAL: _l("Local area code"),
    AreaCodeKind.NATIONWIDE_032: _l("Area code 032"),
    NumberStatus.ACTIVE: _l("Active"),
    NumberStatus.PENDING: _l("Being provisioned"),
    NumberStatus.PORTING: _l("Being ported"),
    NumberStatus.REMOVAL_ORDERED: _l("Removal ordered"),
    NumberStatus.REMOVED: _l("Removed"),
    NumberOrderKind.NEW_BLOCK_032: _l("New number block (area code 032)"),
    NumberOrderKind.NEW_SINGLE_032: _l("New single number (area code 032)"),
    NumberOrderKind.NEW_BLOCK_LOCAL: _l("New number block (local area code)"),
    NumberOrderKind.NEW_SINGLE_LOCAL: _l("New single number (local area code)"),
    NumberOrderKind.PORT_BLOCK: _l("New porting of a number block"),
    NumberOrderKind.PORT_SINGLE: _l("New porting of a single number"),
    ForwardingKind.FAILOVER: _l("ecotel@once (failover)"),
    ForwardingKind.PERMANENT: _l("Permanent call forwarding"),
    ForwardingScope.BLOCK: _l("Whole connection (number block)"),
    ForwardingScope.EXTENSION: _l("Extension"),
    ForwardingScope.SINGLE: _l("Single number"),
    ShipmentStatus.PREPARED: _l("Prepared"),
    ShipmentStatus.SHIPPED: _l("Shipped"),
    ShipmentStatus.IN_TRANSIT: _l("In transit"),
    ShipmentStatus.DELIVERED: _l("Delivered"),
    ShipmentStatus.RETURNED: _l("Returned"),
    OrderStatus.OFFER_CREATED: _l("Offer created"),
    OrderStatus.OFFER_ACCEPTED: _l("Offer accepted"),
    OrderStatus.PROVISIONING: _l("Provisioning"),
    OrderStatus.PARTIALLY_PROVISIONED: _l("Partially provisioned"),
    OrderStatus.PROVISIONED: _l("Provisioned"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderKind.NEW_PROVISION: _l("New provision"),
    OrderKind.OPTION_CHANGE: _l("Option change"),
    OrderKind.PRODUCT_CHANGE: _l("Product change"),
    OrderKind.TERMINATION: _l("Termination"),
    ItemChange.ADDED: _l("Added"),
    ItemChange.CHANGED: _l("Changed"),
    ItemChange.REDUCED: _l("Reduced (cancelled)"),
    StepStatus.PENDING: _l("Pending"),
    StepStatus.IN_PROGRESS: _l("In progress"),
    StepStatus.DONE: _l("Done"),
    StepStatus.FAILED: _l("Failed"),
    TicketKind.COMMISSIONING_FAULT: _l("Commissioning fault"),
    TicketKind.FAULT: _l("Fault"),
    TicketKind.CLAIM: _l("Claim"),
    TicketKind.COMPLAINT: _l("Complaint"),
    TicketKind.OTHER: _l("Other requests"),
    TicketSubject.CONTRACT: _l("Contract/product"),
    TicketSubject.INVOICE: _l("Invoice"),
    TicketStatus.OPEN: _l("Open"),
    TicketStatus.IN_PROGRESS: _l("In progress"),
    TicketStatus.WAITING_FOR_CUSTOMER: _l("Waiting for customer"),
    TicketStatus.CLOSED: _l("Closed"),
    DocumentType.INVOICE: _l("Invoice (PDF)"),
    DocumentType.EVN_PDF: _l("Itemised call record (PDF)"),
    DocumentType.EVN_CSV: _l("Itemised call record (CSV)"),
    DocumentType.SIGNED_ORDER: _l("Order (signed)"),
    DocumentType.SIGNED_PORTING_FORM: _l("Porting form (signed)"),
    DocumentType.ORDER_CONFIRMATION: _l("Order confirmation"),
    DocumentType.TERMINATION_CONFIRMATION: _l("Termination confirmation"),
    DocumentType.SEPA_MANDATE: _l("SEPA mandate"),
    DocumentType.ADDRESS_PROOF: _l("Address proof"),
    InvoiceState.OPEN: _l("Open"),
    InvoiceState.OVERDUE: _l("Overdue"),
    InvoiceState.PAID: _l("Paid"),
    UserStatus.ACTIVE: _l("Active"),
    UserStatus.LOCKED: _l("Locked"),
    UserStatus.INACTIVE: _l("Inactive"),
    SecondFactor.NONE: _l("None"),
    SecondFactor.SMS: _l("SMS PIN"),
    SecondFactor.TOTP: _l("Authenticator app"),
    TokenPurpose.ACTIVATION: _l("Account activation"),
    TokenPurpose.PASSWORD_RESET: _l("Password reset"),
    Channel.EMAIL: _l("Email"),
    Channel.SMS: _l("SMS"),
    OutboxStatus.QUEUED: _l("Queued"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}
