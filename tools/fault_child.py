"""The child process of nbs/18_reliability (and of 09_train's torchrun test): run `hipvq ARGS` with one fault injected at an exact moment.

Usage: python tools/fault_child.py FAULT A B ARGS...
- kill-mid-write NAME K: the K-th atomic write of file NAME writes half its temporary file, then SIGKILL before the rename;
- nan-batch E B: training batch B of epoch E becomes NaNs;
- SIGTERM-at E B (or SIGINT-at, SIGHUP-at): at the start of training batch B of epoch E the process sends itself that
  signal, as a scheduler would, and goes on once it has arrived: the fit stops after that batch;
- SIGTERM-torchrun-at E B: the same, but rank 0 sends SIGTERM to its parent, torchrun, which passes it on to every rank;
- none 0 0: no fault."""
import os, signal, sys, time
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
if fault.endswith('-at'):
    import hipvq.learner
    name, torchrun = fault.split('-')[0], fault.endswith('-torchrun-at')
    if name == 'SIGINT': signal.signal(signal.SIGINT, signal.default_int_handler)   # as from a terminal (a background job ignores it)
    one_batch = hipvq.learner.Learner.one_batch
    def signalled_batch(self):
        if self.training and (self.epoch + 1, self.iter + 1) == (int(a), int(b)) and os.environ.get('RANK', '0') == '0':
            os.kill(os.getppid() if torchrun else os.getpid(), signal.Signals[name])
            deadline = time.time() + 60
            while not self.stop_request:                        # until it has arrived (through torchrun: a few ms later)
                if time.time() > deadline: sys.exit(f'fault_child: {name} did not reach the fit within 60 s (ignored?)')
                time.sleep(0.01)
        return one_batch(self)
    hipvq.learner.Learner.one_batch = signalled_batch
from hipvq.cli import main
sys.exit(main(sys.argv[4:]))
