"""Django's PostgreSQL backend, with a health check that costs no round trip when nothing is wrong.

``CONN_HEALTH_CHECKS`` (settings) makes Django check a kept connection before a request first uses
it, so a database that restarted since does not turn that request into an error. Django checks
with ``SELECT 1``: a round trip on every request that reads the database, which costs the web
process and the database a noticeable share of what the uncached article page costs
(docs/performance.md, "Measurements behind the code").

A server that ends a connection (a restart, ``pg_terminate_backend``, an idle timeout) says so on
its socket: a closing message, then end of file. So while a connection sits idle between
requests, nothing should arrive on it. Here, if nothing has, the connection is taken as usable;
if something has (a closing connection, or a notice the server may send an idle session), Django's
own ``SELECT 1`` decides, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            arrived, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # no socket any more
            return False
        return not arrived or super().is_usable()
