"""The child process of nbs/18_reliability: run `hipvq ARGS` with one fault injected at an exact moment.

Usage: python tools/fault_child.py FAULT A B ARGS...
- kill-mid-write NAME K: the K-th atomic write of file NAME writes half its temporary file, then SIGKILL before the rename;
- nan-batch E B: training batch B of epoch E becomes NaNs."""
import os, signal, sys
from pathlib import Path
import hipvq.data, hipvq.runs
fault, a, b = sys.argv[1:4]
if fault == 'kill-mid-write':
    write, seen = hipvq.runs.atomic_write, []
    def killing_write(path, writer):
        def half_then_die(tmp):
            writer(tmp); data = Path(tmp).read_bytes(); Path(tmp).write_bytes(data[:len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        if Path(path).name == a: seen.append(path)
        return write(path, half_then_die if Path(path).name == a and len(seen) == int(b) else writer)
    hipvq.runs.atomic_write = killing_write
if fault == 'nan-batch':
    batches = hipvq.data.BatchLoader.__iter__
    def nan_batches(self):
        for i, batch in enumerate(batches(self)):
            yield batch * float('nan') if self.shuffle and (self.epoch + 1, i + 1) == (int(a), int(b)) else batch
    hipvq.data.BatchLoader.__iter__ = nan_batches
from hipvq.cli import main
sys.exit(main(sys.argv[4:]))
