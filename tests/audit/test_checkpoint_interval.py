"""The sequencer writes a checkpoint when one is due, not on every run (issue 11 item 4):
the first time, once the last one is WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL seconds old, or once
WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES entries were chained since; `checkpoint=True` (the command's
--checkpoint) forces one when the chain moved on."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.audit.models import AuditChainHead
from apps.audit.sequencer import audit_chain_pending
from apps.audit.services import audit_record
from apps.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_every_run(settings):
    settings.WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL = 900
    settings.WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES = 5


def _write(n):
    for i in range(n):
        audit_record(action="update", object_type="tests.Thing", object_id=i)


def test_runs_within_the_interval_chain_without_a_new_checkpoint(checkpoint_files):
    _write(2)
    assert audit_chain_pending().checkpoint == 1  # none yet: the first is written
    _write(2)
    run = audit_chain_pending()
    assert run.chained == 2 and run.checkpoint is None
    assert len(checkpoint_files()) == 1
    assert AuditChainHead.objects.get().last_seq == 4
    verdict = audit_chain_verify(full=True)
    assert verdict.intact and verdict.checked == 4  # the tail after it is verified all the same


def test_a_checkpoint_once_the_last_is_older_than_the_interval(checkpoint_files, monkeypatch):
    _write(1)
    audit_chain_pending()
    _write(1)
    assert audit_chain_pending().checkpoint is None
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=899))
    assert audit_chain_pending().checkpoint is None  # nothing new chained, still too early
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=901))
    # Nothing new to chain, but the tail since the last checkpoint gets its checkpoint now.
    run = audit_chain_pending()
    assert run.chained == 0 and run.checkpoint == 2
    assert audit_chain_pending().checkpoint is None  # the head is checkpointed: none again


def test_a_checkpoint_once_enough_entries_were_chained(checkpoint_files):
    _write(1)
    audit_chain_pending()
    _write(4)
    assert audit_chain_pending().checkpoint is None  # 4 since the last: fewer than 5
    _write(1)
    assert audit_chain_pending().checkpoint == 2
    assert len(checkpoint_files()) == 2


def test_forced_checkpoint_and_the_command(checkpoint_files):
    _write(1)
    audit_chain_pending()
    _write(1)
    assert audit_chain_pending(checkpoint=False).checkpoint is None
    assert audit_chain_pending(checkpoint=True).checkpoint == 2
    assert audit_chain_pending(checkpoint=True).checkpoint is None  # the chain did not move
    _write(1)
    call_command("audit_chain")
    assert len(checkpoint_files()) == 2
    call_command("audit_chain", "--checkpoint")
    assert len(checkpoint_files()) == 3
