"""Time to validation SSIM 0.90 in CPU seconds, each way on one thread, resumable (not part of hipvq).

Used by nbs/benchmarks/time_to_ssim.ipynb. The reference implementation's way needs hours of CPU to reach 0.90 on
the default phantom, more than one session leaves, so it saves its state after every epoch into a folder and goes on
from there when started again. Its clock is the process's CPU seconds (`time.process_time`, all threads), summed over
epochs, so pauses, restarts and other work on the machine do not count; both ways run on one thread, so that no
thread of either spins while waiting for a core another process holds.

    python tools/time_to_ssim.py reference STATE_DIR PHANTOM_DIR [--cap-cpu-hours H] [--epochs N]
    python tools/time_to_ssim.py hipvq STATE_DIR PHANTOM_DIR

`reference` trains the reference way (`tools/training_step.Setup.make_way`'s reference branch: its example config,
per-file loading, per-image torchvision augmentations, Adam, MSE + commitment, float32, scikit-image SSIM in the
loop) and validates after every epoch with `hipvq.metrics.ssim` on the validation slices, until the validation SSIM
reaches 0.90, the CPU cap, or `--epochs` more epochs. `hipvq` trains `configs/demo.yaml` (the README's demo, the
library's defaults) with `hipvq.train.fit`, counting the same CPU seconds per epoch. Each writes STATE_DIR/trace.json:
one row per epoch (epoch, steps, cpu_seconds, wall_seconds, val_ssim).
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO/'tools'))
from training_step import Setup                   # noqa: E402

TARGET = 0.90


def write_trace(state_dir, way:str, rows:list[dict], **extra):
    from hipvq.runs import atomic_write_text
    atomic_write_text(Path(state_dir)/'trace.json', json.dumps(dict(way=way, target=TARGET, epochs=rows, **extra), indent=1) + '\n')


def reference(state_dir, phantom, cap_cpu_hours:float, epochs:int|None) -> list[dict]:
    "The reference way, continued from `state_dir/state.pt` if there is one."
    from hipvq.metrics import ssim
    from hipvq.runs import atomic_save, rng_state, set_rng_state
    state_dir = Path(state_dir); state_dir.mkdir(parents=True, exist_ok=True)
    setup = Setup(phantom)
    example = setup.example
    model = setup.seeded_model()                     # the step table's starting weights; this loop needs whole epochs
    opt = torch.optim.Adam(model.parameters(), example['learning_rate'], weight_decay=example['weight_decay'])
    train = torch.utils.data.DataLoader(setup.reference_data, batch_size=example['batch_size'], shuffle=True)
    val = torch.utils.data.DataLoader(setup.ref.ReferenceSlices(setup.phantom/'keras_slices_validate',
                                                                setup.ref.compose(example['val_test_transforms'])),
                                      batch_size=example['batch_size'])
    rows = []
    if (state_dir/'state.pt').is_file():
        state = torch.load(state_dir/'state.pt', weights_only=False)
        model.load_state_dict(state['model']); opt.load_state_dict(state['optimizer']); set_rng_state(state['rng'])
        rows = state['trace']
        print(f'resumed after epoch {rows[-1]["epoch"]} ({rows[-1]["cpu_seconds"]:.0f} CPU s, val SSIM {rows[-1]["val_ssim"]:.4f})', flush=True)
    done, steps = 0, (rows[-1]['steps'] if rows else 0)
    while not (rows and rows[-1]['val_ssim'] >= TARGET):
        if rows and rows[-1]['cpu_seconds'] >= cap_cpu_hours * 3600: break
        if epochs is not None and done >= epochs: break
        cpu, wall = time.process_time(), time.perf_counter()
        model.train()
        for x in train:
            recon, commitment = model(x)
            loss = F.mse_loss(recon, x) + commitment
            opt.zero_grad(); loss.backward(); opt.step(); steps += 1
            setup.ref.batch_ssim(x, recon)                         # the reference implementation's in-loop training SSIM
        model.eval()
        with torch.no_grad(): val_ssim = torch.cat([ssim(model(v)[0], v) for v in val]).mean().item()
        before = rows[-1] if rows else dict(cpu_seconds=0.0, wall_seconds=0.0)
        rows = rows + [dict(epoch=len(rows) + 1, steps=steps, cpu_seconds=before['cpu_seconds'] + time.process_time() - cpu,
                            wall_seconds=before['wall_seconds'] + time.perf_counter() - wall, val_ssim=val_ssim)]
        atomic_save(dict(model=model.state_dict(), optimizer=opt.state_dict(), rng=rng_state(), trace=rows), state_dir/'state.pt')
        write_trace(state_dir, 'reference', rows, threads=torch.get_num_threads())
        print(f"epoch {rows[-1]['epoch']}: {rows[-1]['cpu_seconds']:.0f} CPU s, val SSIM {val_ssim:.4f}", flush=True)
        done += 1
    return rows


def hipvq_demo(state_dir, phantom) -> list[dict]:
    "configs/demo.yaml through `hipvq.train.fit`, with the CPU seconds and validation SSIM of every epoch."
    from hipvq.config import load_config
    from hipvq.learner import Callback
    from hipvq.train import fit
    state_dir = Path(state_dir); state_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    class CPUClock(Callback):
        order = 5                                                  # after MetricsCB has put the epoch into the history
        def before_fit(self, learn): self.cpu, self.wall = time.process_time(), time.perf_counter()
        def after_epoch(self, learn):
            h = learn.history[-1]
            rows.append(dict(epoch=h['epoch'], steps=h['epoch'] * len(learn.train_loader), cpu_seconds=time.process_time() - self.cpu,
                             wall_seconds=time.perf_counter() - self.wall, val_ssim=h['val_ssim']))
    config = load_config(REPO/'configs/demo.yaml', [f'data_root={phantom}', f'logs_root={state_dir}/runs', 'progress=false'])
    run_dir = fit(config, cbs=[CPUClock()])
    write_trace(state_dir, 'hipvq', rows, threads=torch.get_num_threads(), run=str(run_dir))
    return rows


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('way', choices=('reference', 'hipvq')); parser.add_argument('state_dir'); parser.add_argument('phantom')
    parser.add_argument('--cap-cpu-hours', type=float, default=8.0, help='the reference way stops after this much CPU time')
    parser.add_argument('--epochs', type=int, help='the reference way stops after this many more epochs')
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = (reference(args.state_dir, args.phantom, args.cap_cpu_hours, args.epochs) if args.way == 'reference'
            else hipvq_demo(args.state_dir, args.phantom))
    reach = next((r for r in rows if r['val_ssim'] >= TARGET), None)
    print(json.dumps(dict(way=args.way, epochs=len(rows), reached=reach is not None,
                          cpu_seconds=(reach or rows[-1])['cpu_seconds'], best_val_ssim=max(r['val_ssim'] for r in rows))))
