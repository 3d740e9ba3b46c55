"""One optimisation step of the reference implementation's example model, taken each benchmarked way (not part of hipvq).

Used by nbs/benchmarks/training.ipynb, in its own process (the step table) and as a script that times one way in a
fresh process, where process-wide settings such as `reuse_memory` (hipvq.config.keep_freed_memory) can differ:

    python tools/training_step.py WAY BATCH_SIZE PHANTOM_DIR [--reuse-memory] [--steps N]

prints one JSON line: the way, the batch size, the median step in seconds and the minor page faults per step.
"""
from __future__ import annotations
import argparse, importlib.util, json, resource, statistics, time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]

WAYS = {'reference pipeline':        dict(reference=True,  channels_last=False, amp=None, compile=False),
        'hipvq, every switch off':   dict(reference=False, channels_last=False, amp=None, compile=False),
        'channels_last only':        dict(reference=False, channels_last=True,  amp=None, compile=False),
        'bf16 autocast only':        dict(reference=False, channels_last=False, amp=torch.bfloat16, compile=False),
        'compile only':              dict(reference=False, channels_last=False, amp=None, compile=True),
        'hipvq defaults':            dict(reference=False, channels_last=True,  amp='auto', compile='auto'),
        'hipvq defaults + compile':  dict(reference=False, channels_last=True,  amp='auto', compile=True)}


def reference_module():
    "tools/reference_pipeline.py, the reference implementation's way."
    spec = importlib.util.spec_from_file_location('reference_pipeline', REPO/'tools/reference_pipeline.py')
    ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
    return ref


class Setup:
    "The example config on a phantom folder, its training slices both ways, and the machine's amp and compile choices."
    def __init__(self, phantom):
        from hipvq.augment import build_transforms
        from hipvq.config import load_config, resolve_amp, resolve_compile
        from hipvq.train import build_dataset
        self.phantom, self.ref = Path(phantom), reference_module()
        self.folders = ['train_dataset_dir=null', 'val_dataset_dir=null', 'test_dataset_dir=null', f'data_root={self.phantom}']
        self.example = load_config(REPO/'configs/example_train.yaml', self.folders)
        self.amp = resolve_amp('auto', 'cpu')
        self.compile = resolve_compile('auto', 'cpu', self.amp, 10_000)[0]
        self.data = build_dataset(self.example, 'train')
        self.augment = build_transforms(self.example['train_transforms'])
        self.reference_data = self.ref.ReferenceSlices(self.phantom/'keras_slices_train', self.ref.compose(self.example['train_transforms']))

    def seeded_model(self):
        "The example config's VQVAE, initialised from seed 0 (every way starts from the same weights)."
        from hipvq.model import VQVAE
        torch.manual_seed(0)
        return VQVAE(**self.example['model_parameters'])

    def make_way(self, way:dict, batch_size:int):
        "Model and a step function (returning loss and mean SSIM) for one way."
        from hipvq.data import BatchLoader
        from hipvq.metrics import ssim
        from hipvq.train import reconstruction_loss
        example, amp = self.example, (self.amp if way['amp'] == 'auto' else way['amp'])
        compiled = self.compile if way['compile'] == 'auto' else way['compile']
        fmt = torch.channels_last if way['channels_last'] else torch.contiguous_format
        model = self.seeded_model().to(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), example['learning_rate'], weight_decay=example['weight_decay'])
        run = torch.compile(model) if compiled else model
        if way['reference']:
            batches = iter(torch.utils.data.DataLoader(self.reference_data, batch_size=batch_size, shuffle=True, drop_last=True))
            def step():
                xb = next(batches)
                recon, commitment = run(xb)
                loss = F.mse_loss(recon, xb) + commitment
                opt.zero_grad(); loss.backward(); opt.step()
                return loss.item(), float(np.mean(self.ref.batch_ssim(xb, recon)))
        else:
            batches = iter(BatchLoader(self.data, batch_size, shuffle=True, transforms=self.augment))
            def step():
                xb = next(batches).contiguous(memory_format=fmt)
                with torch.autocast('cpu', dtype=amp or torch.bfloat16, enabled=amp is not None):
                    recon, commitment = run(xb)
                    recon = recon.float()
                    with torch.no_grad(): s = ssim(recon.detach(), xb)
                    loss, _ = reconstruction_loss(recon, xb, commitment, example['loss'], s)
                opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
                return loss.item(), s.mean().item()
        return model, step


def time_way(phantom, name:str, batch_size:int, steps:int=5) -> dict:
    "This process: one warm-up step of `name`, then `steps` timed ones; the median and the page faults per step."
    step = Setup(phantom).make_way(WAYS[name], batch_size)[1]
    step()
    faults, seconds = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, []
    for _ in range(steps):
        t = time.perf_counter(); step(); seconds.append(time.perf_counter() - t)
    return dict(way=name, batch=batch_size, step_s=statistics.median(seconds),
                page_faults_per_step=(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / steps)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('way', choices=list(WAYS)); parser.add_argument('batch_size', type=int); parser.add_argument('phantom')
    parser.add_argument('--reuse-memory', action='store_true', help='keep freed memory for reuse (hipvq.config.reuse_memory)')
    parser.add_argument('--steps', type=int, default=5)
    args = parser.parse_args()
    from hipvq.config import reuse_memory
    words = reuse_memory(args.reuse_memory)
    print(json.dumps(dict(time_way(args.phantom, args.way, args.batch_size, args.steps), memory=words)))
