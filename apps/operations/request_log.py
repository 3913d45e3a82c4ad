"""Log records carry the request id and the client's address of the request they belong to
(the ones the audit log records, apps.core.context), or `-` outside a request."""

import logging

from apps.core.context import actor_bound


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        actor = actor_bound()
        record.request_id = actor.request_id if actor is not None else "-"
        record.client_ip = (actor.ip_address or "-") if actor is not None else "-"
        return True
