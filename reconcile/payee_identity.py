"""Whose account a payee account is (art. 20): the applicant's own, or its agent's.

The money goes to the applicant. A payee account in another name is refused
(`payee_name_mismatch`) unless it is registered as the account of the applicant's agent
(代理人) together with the special authorisation (特别授权) that lets the agent receive
the money; such an account needs approval before it may receive anything (the
payee-account change queue). Names are compared as people write them: full and half
width alike (ＡＢＣ = ABC, （ = (), spaces ignored, Latin letters in any case.

Identity numbers (身份证号, 统一社会信用代码) are kept as given and only ever shown
masked: the first four and the last four characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reconcile.errors import ValidationFailed

_SPACE = re.compile(r"\s+")


class PayeeNameMismatch(ValidationFailed):
    """A payee account in a name that is neither the applicant's nor its authorised agent's."""

    code = "payee_name_mismatch"


@dataclass(frozen=True)
class Agent:
    """The applicant's agent whose account receives the money, and the 特别授权 naming it."""

    name: str
    authorisation_document: str


def normalise_name(name: str | None) -> str:
    """Return a name as compared: NFKC (full width to half width), no spaces, casefolded."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def same_name(a: str | None, b: str | None) -> bool:
    return bool(normalise_name(a)) and normalise_name(a) == normalise_name(b)


def check_payee_identity(
    applicant_name: str, account_name: str | None, agent: Agent | None = None
) -> None:
    """Refuse an account whose name is not the applicant's, nor its authorised agent's.

    An account without a name is not refused here: the bank checks the name at payment,
    and the statement debit shows it.
    """
    if agent is not None:
        if not agent.name.strip() or not agent.authorisation_document.strip():
            raise ValidationFailed(
                "an agent's account needs the agent's name and the authorisation document "
                "(特别授权)",
                field="agent",
            )
        if account_name and not same_name(account_name, agent.name):
            raise PayeeNameMismatch(
                "the account is in the name '{account_name}', not the agent's '{agent_name}'",
                field="account_name",
                account_name=account_name,
                agent_name=agent.name,
            )
        return
    if account_name and not same_name(account_name, applicant_name):
        raise PayeeNameMismatch(
            "the account is in the name '{account_name}', not the applicant's "
            "'{applicant_name}': register it as an agent's account with its authorisation "
            "document (特别授权), which needs approval",
            field="account_name",
            account_name=account_name,
            applicant_name=applicant_name,
        )


def agent_from(data: dict | None) -> Agent | None:
    """Return the Agent a request body names (`name`, `authorisation_document`), if any."""
    if not data:
        return None
    return Agent(
        (data.get("name") or "").strip(), (data.get("authorisation_document") or "").strip()
    )


def mask_identity_number(number: str | None) -> str | None:
    """Show an identity number masked: 110105199001011234 -> 1101**********1234."""
    if not number:
        return number
    text = number.strip()
    keep = 4 if len(text) >= 12 else 3 if len(text) >= 9 else 0
    if len(text) <= keep + 4:
        return "*" * max(0, len(text) - 4) + text[-4:] if len(text) > 4 else "*" * len(text)
    return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]
