"""The option-order wizard's rules (SPEC §7, R-WIZ-1..7, R-DOC-2): four steps over one server-side draft.

Every function takes the acting customer and user as arguments (never the request):

- step 1 `offered_contracts`, `start`          contracts Aktiv / Aktiv – Schwebend (with its warning)
- step 2 `number_step`, `add_numbers`, …       numbers to add (six kinds) and to remove
- uploads `attach_upload`                      address proofs and porting forms (PDF, JPEG, PNG)
- step 3 `option_step`, `choose_options`       new totals of booked and bookable options
- step 4 `summary`, `submit`                   the checked changes with prices; one order, all or nothing
- `discard`, `purge_expired`                   abandoning a draft; the cleanup job
- `book_option`, `plan_option`               one option outside the wizard (ticket, company data), same order path

Another customer's contract, number, option, draft or upload id raises NotFound.
"""
from .drafts import ContractChoice, discard, load, offered_contracts, purge_expired, start
from .numbers import add as add_numbers, drop as drop_numbers, mark_removal, step as number_step, unmark_removal
from .options import choose as choose_options, step as option_step
from .submission import submit
from .direct import book_option, plan_option
from .changes import summary
from .uploads import attach as attach_upload

__all__ = [
    "ContractChoice", "add_numbers", "book_option", "plan_option", "attach_upload", "choose_options", "discard", "drop_numbers", "load",
    "mark_removal", "number_step", "offered_contracts", "option_step", "purge_expired", "start", "submit",
    "summary", "unmark_removal",
]
