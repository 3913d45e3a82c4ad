"""Django's SQLite backend with interactive writers first (apps.core.db.writers)."""

from django.db.backends.sqlite3 import base

from apps.core.db.writers import WriterQueue


class DatabaseWrapper(base.DatabaseWrapper):
    wipp_background = False
    _writer_queue = None

    def _writers(self) -> WriterQueue | None:
        if self._writer_queue is None and not self.is_in_memory_db():
            self._writer_queue = WriterQueue(str(self.settings_dict["NAME"]))
        return self._writer_queue

    def _start_transaction_under_autocommit(self):
        queue = self._writers()
        if queue is None:
            return super()._start_transaction_under_autocommit()
        if self.wipp_background:
            queue.background_turn()
            return super()._start_transaction_under_autocommit()
        with queue.interactive():
            return super()._start_transaction_under_autocommit()

    def _close(self):
        super()._close()
        if self._writer_queue is not None:
            self._writer_queue.close()
            self._writer_queue = None
