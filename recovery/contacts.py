"""The employee's other addresses on file, from the directory: Entra `otherMails` (a personal
address) and `mobilePhone`, read app-only (User.Read.All); or the Okta profile's `secondEmail`
and `mobilePhone`."""

from __future__ import annotations

from typing import Protocol

from recovery.entra import GraphFactory, graph_call
from recovery.notify import Recipient, RecipientKind
from recovery.okta import OktaExecutor


class Contacts(Protocol):
    async def personal(self, upn: str) -> list[Recipient]: ...


class GraphContacts:
    def __init__(self, graph: GraphFactory) -> None:
        self.graph = graph

    async def personal(self, upn: str) -> list[Recipient]:
        from msgraph.generated.users.item.user_item_request_builder import (
            UserItemRequestBuilder,
        )

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["otherMails", "mobilePhone"]
        )
        async with self.graph() as client:
            user, _ = await graph_call(
                client.users.by_user_id(upn).get, "read contacts", [], query=query
            )
        if user is None:
            return []
        found = [
            Recipient(kind=RecipientKind.PERSONAL_MAIL, address=a) for a in user.other_mails or []
        ]
        if user.mobile_phone:
            found.append(Recipient(kind=RecipientKind.PHONE, address=user.mobile_phone))
        return found


class OktaContacts:
    def __init__(self, okta: OktaExecutor) -> None:
        self.okta = okta

    async def personal(self, upn: str) -> list[Recipient]:
        mails, phones = await self.okta.contacts(upn)
        return [Recipient(kind=RecipientKind.PERSONAL_MAIL, address=m) for m in mails] + [
            Recipient(kind=RecipientKind.PHONE, address=p) for p in phones
        ]
