"""Contact persons of the company (R-CUS-3): edit, add, remove; offered on tickets and orders.

Every id from the client goes through `app.services.tenancy` (another customer's contact
is a 404). Every change is one transaction with an audit entry naming the changed fields.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.extensions import db
from app.models import ContactPerson
from app.models.enums import ContactRole
from app.services import audit
from app.services.customers import normalise_email
from app.services.errors import Invalid
from app.services.portal.company import normalise_phone
from app.services.tenancy import get_owned_or_404, scoped, tenant_id

CONTACT_ADDED = "contact_added"
CONTACT_CHANGED = "contact_changed"
CONTACT_REMOVED = "contact_removed"
# The portal admin's own contact role is kept by the carrier (it names the account holder).
EDITABLE_ROLES = tuple(r for r in ContactRole if r is not ContactRole.PORTAL_ADMIN)
MAX_CONTACTS = 50


@dataclass
class ContactData:
    role: str
    salutation: str | None
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    mobile: str | None


def contacts() -> list[ContactPerson]:
    """The company's contact persons, by role and name (also the ticket and order contact choices)."""
    return db.session.scalars(scoped(ContactPerson).order_by(ContactPerson.role, ContactPerson.last_name,
                                                             ContactPerson.first_name, ContactPerson.id)).all()


def contact(raw_id) -> ContactPerson:
    return get_owned_or_404(ContactPerson, raw_id)


def _checked(data: ContactData) -> dict:
    fields: dict[str, list] = {}
    values: dict = {}
    try:
        values["role"] = ContactRole(data.role)
        if values["role"] not in EDITABLE_ROLES:
            raise ValueError
    except ValueError:
        fields["role"] = [_l("Please choose a role.")]
    values["salutation"] = (data.salutation or "").strip()[:20] or None
    for name, message in (("first_name", _l("Please enter the first name.")),
                          ("last_name", _l("Please enter the last name."))):
        values[name] = (getattr(data, name) or "").strip()[:100]
        if not values[name]:
            fields[name] = [message]
    values["email"] = None
    if (data.email or "").strip():
        try:
            values["email"] = normalise_email(data.email)
        except Invalid as exc:
            fields["email"] = exc.messages
    for name in ("phone", "mobile"):
        try:
            values[name] = normalise_phone(getattr(data, name))
        except Invalid as exc:
            fields[name] = exc.messages
    if not fields and not (values["email"] or values["phone"] or values["mobile"]):
        fields["email"] = [_l("Please enter at least an email address or a phone number.")]
    if fields:
        db.session.rollback()
        raise Invalid(fields=fields)
    return values


def _editable(person: ContactPerson) -> ContactPerson:
    if person.role is ContactRole.PORTAL_ADMIN:
        raise Invalid(_l("The portal administrator's contact entry is kept by ecotel. Please call our hotline."))
    return person


def add_contact(user, data: ContactData) -> ContactPerson:
    values = _checked(data)
    count = db.session.scalar(scoped(ContactPerson, func.count(ContactPerson.id)))
    if count >= MAX_CONTACTS:
        raise Invalid(_l("You can store at most %(count)s contact persons.", count=MAX_CONTACTS))
    person = ContactPerson(customer_id=tenant_id(), **values)
    db.session.add(person)
    db.session.flush()
    audit.record(CONTACT_ADDED, user, object_type="contact_person", object_id=str(person.id),
                 details=f"role: {person.role.value}")
    db.session.commit()
    return person


def update_contact(user, raw_id, data: ContactData) -> list[str]:
    person = _editable(contact(raw_id))
    values = _checked(data)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if not changed:
        raise Invalid(_l("Nothing was changed."))
    for name in changed:
        setattr(person, name, values[name])
    audit.record(CONTACT_CHANGED, user, object_type="contact_person", object_id=str(person.id),
                 details="changed: " + ", ".join(changed))
    db.session.commit()
    return changed


def remove_contact(user, raw_id) -> None:
    person = _editable(contact(raw_id))
    audit.record(CONTACT_REMOVED, user, object_type="contact_person", object_id=str(person.id),
                 details=f"role: {person.role.value}")
    db.session.delete(person)
    db.session.commit()
