"""Reads from a read replica, writes to the primary (DATABASE_REPLICA_URL).

Installed only when DATABASE_REPLICA_URL is set (citytools/settings.py adds the `replica`
alias and this router); without it nothing is routed and everything uses `default`.

A replica lags its primary by a moment, so some reads stay on the primary:

- every read inside a transaction on the primary: a service reads a record, checks its
  version and writes, and must read what it is about to overwrite;
- the tables a request writes and reads back at once, or that must never be stale: the
  session and the sign-in throttle (someone who just signed in must not look signed out),
  the task queue (the worker claims tasks with row locks) and the worker's heartbeat.

A page read just after a save may still show the value from a moment before; the save
itself is never lost, because it went to the primary. Migrations run on the primary only:
the replica gets them by replication.
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose tables are read where they are written (see above).
PRIMARY_ONLY_APPS = {"sessions", "axes", "django_tasks_database", "core"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The two hold the same data: a record read from either may point at one from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
