"""The reference implementation's way of training and predicting, reproduced for the benchmarks (not part of hipvq).

Written from the reference implementation's README (shakes76/PatternAnalysis-2024 recognition/VQVAE_47323254), which
describes its `train.py` and `predict.py`; its code is not available here. The model is hipvq's `VQVAE`, which keeps
the reference architecture and its config names. What is reproduced is the *pipeline* around it:

- data: each item read from its .nii.gz with nibabel, min-max scaled to 0-255, made a PIL image and passed through
  the torchvision transforms of the config, one image at a time, by a `DataLoader` (no worker processes);
- training: Adam, loss MSE + commitment, float32, default memory format, eager; SSIM per image with
  `skimage.metrics.structural_similarity` (each image's own data range) on the CPU inside the loop, for the training
  and the validation batches; a log line per epoch; original/reconstruction figures of a training and a validation
  batch every `image_frequency` epochs; best and latest weights every epoch; a metrics plot at the end;
- test: batch size 1 with the latest weights, per-image loss and SSIM, their histograms, the first six images;
- predict: every file of a folder, one at a time, one titled matplotlib figure per slice.

    python tools/reference_pipeline.py train CONFIG.yaml OUT_DIR [--epochs N] [--data-root DIR]
    python tools/reference_pipeline.py predict CONFIG.yaml OUT_DIR   (a predict config: model_parameters, pretrained_path, dataset_dir)
"""
from __future__ import annotations
import argparse, logging, time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms as T
import yaml
from PIL import Image
from skimage.metrics import structural_similarity

from hipvq.model import VQVAE


class ReferenceSlices(torch.utils.data.Dataset):
    "Per item: nibabel load, min-max to 0-255, PIL image, torchvision transforms."
    def __init__(self, folder, transform, num_samples=None):
        self.files = sorted(Path(folder).glob('*.nii.gz'))[:num_samples]
        self.transform = transform
    def __len__(self): return len(self.files)
    def __getitem__(self, i):
        a = np.asarray(nib.load(str(self.files[i])).get_fdata()).squeeze()
        a = ((a - a.min()) / (a.max() - a.min()) * 255).astype(np.uint8)
        return self.transform(Image.fromarray(a))


def compose(spec) -> T.Compose:
    "torchvision transforms by class name and params (the reference implementation's config format)."
    return T.Compose([getattr(T, t['name'])(**(t.get('params') or {})) for t in spec or []])


def batch_ssim(x: torch.Tensor, y: torch.Tensor) -> list[float]:
    "skimage SSIM per image, each with its own original's range, on the CPU."
    o, r = x.detach().cpu().numpy(), y.detach().cpu().numpy()
    return [structural_similarity(o[i, 0], r[i, 0], data_range=float(o[i, 0].max() - o[i, 0].min())) for i in range(len(o))]


def save_pair_figure(x, y, path, n=4):
    "Originals (top) over reconstructions (bottom)."
    n = min(n, len(x))
    fig, axes = plt.subplots(2, n, figsize=(2 * n, 6))
    axes = np.asarray(axes).reshape(2, n)
    for i in range(n):
        axes[0, i].imshow(x[i, 0].detach().cpu(), cmap='gray'); axes[0, i].axis('off')
        axes[1, i].imshow(y[i, 0].detach().cpu(), cmap='gray'); axes[1, i].axis('off')
    fig.savefig(path); plt.close(fig)


def split_folder(config, key, data_root, name):
    return Path(data_root)/name if data_root else Path(config[key])


def train(config_path, out, epochs=None, data_root=None) -> float:
    "The reference implementation's train.py; returns the training time in seconds."
    config = yaml.safe_load(Path(config_path).read_text())
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    (out/'config.yaml').write_text(yaml.safe_dump(config))
    logging.basicConfig(filename=out/'training.log', level=logging.INFO, format='%(asctime)s - %(levelname)s - %(message)s', force=True)
    epochs = epochs or config['num_epochs']
    train_ds = ReferenceSlices(split_folder(config, 'train_dataset_dir', data_root, 'keras_slices_train'),
                               compose(config['train_transforms']), config.get('train_num_samples'))
    val_ds = ReferenceSlices(split_folder(config, 'val_dataset_dir', data_root, 'keras_slices_validate'),
                             compose(config['val_test_transforms']), config.get('val_num_samples'))
    test_ds = ReferenceSlices(split_folder(config, 'test_dataset_dir', data_root, 'keras_slices_test'),
                              compose(config['val_test_transforms']), config.get('test_num_samples'))
    train_dl = torch.utils.data.DataLoader(train_ds, batch_size=config['batch_size'], shuffle=True)
    val_dl = torch.utils.data.DataLoader(val_ds, batch_size=config['batch_size'], shuffle=False)
    model = VQVAE(**config['model_parameters'])
    opt = torch.optim.Adam(model.parameters(), lr=config['learning_rate'], weight_decay=config['weight_decay'])
    history, best, start = [], float('inf'), time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train(); losses, ssims = [], []
        for x in train_dl:
            recon, commitment = model(x)
            loss = F.mse_loss(recon, x) + commitment
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item()); ssims += batch_ssim(x, recon)
        model.eval(); val_losses, val_ssims = [], []
        with torch.no_grad():
            for xv in val_dl:
                rv, cv = model(xv)
                val_losses.append((F.mse_loss(rv, xv) + cv).item()); val_ssims += batch_ssim(xv, rv)
        row = dict(epoch=epoch, train_loss=np.mean(losses), val_loss=np.mean(val_losses),
                   train_ssim=np.mean(ssims), val_ssim=np.mean(val_ssims), seconds=time.perf_counter() - start)
        history.append(row)
        if epoch % config.get('log_frequency', 1) == 0:
            logging.info(f"Epoch [{epoch}/{epochs}], Train Loss: {row['train_loss']:.4f}, Val Loss: {row['val_loss']:.4f}, "
                         f"Train SSIM: {row['train_ssim']:.4f}, Val SSIM: {row['val_ssim']:.4f}")
        if epoch % config.get('image_frequency', 1) == 0:
            save_pair_figure(x, recon, out/f'train_epoch_{epoch}.png'); save_pair_figure(xv, rv, out/f'val_epoch_{epoch}.png')
        torch.save(model.state_dict(), out/'latest_model.pth')
        if row['val_loss'] < best: best = row['val_loss']; torch.save(model.state_dict(), out/'best_model.pth')
    seconds = time.perf_counter() - start
    logging.info(f'Training took {seconds / 60:.2f} minutes')
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for key, ax in (('loss', axes[0]), ('ssim', axes[1])):
        ax.plot([h[f'train_{key}'] for h in history], label='train'); ax.plot([h[f'val_{key}'] for h in history], label='val'); ax.legend()
    fig.savefig(out/'train_metrics.png'); plt.close(fig)
    model.eval(); test_losses, test_ssims, firsts = [], [], []
    with torch.no_grad():
        for xt in torch.utils.data.DataLoader(test_ds, batch_size=1, shuffle=False):
            rt, _ = model(xt)
            test_losses.append(F.mse_loss(rt, xt).item()); test_ssims += batch_ssim(xt, rt)
            if len(firsts) < 6: firsts.append((xt, rt))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4)); axes[0].hist(test_losses); axes[1].hist(test_ssims)
    fig.savefig(out/'test_metrics.png'); plt.close(fig)
    save_pair_figure(torch.cat([a for a, _ in firsts]), torch.cat([b for _, b in firsts]), out/'test_images.png', n=6)
    logging.info(f'Test Loss: {np.mean(test_losses):.4f}, Test SSIM: {np.mean(test_ssims):.4f}')
    return seconds


def predict(config_path, out) -> int:
    "The reference implementation's predict.py: every slice reconstructed alone and saved as a titled figure."
    config = yaml.safe_load(Path(config_path).read_text())
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    model = VQVAE(**config['model_parameters'])
    state = torch.load(config['pretrained_path'], map_location='cpu', weights_only=False)
    model.load_state_dict(state.get('model', state) if isinstance(state, dict) and 'model' in state else state)
    model.eval()
    ds = ReferenceSlices(config['dataset_dir'], compose(config.get('transforms')), config.get('num_samples'))
    with torch.no_grad():
        for i in range(len(ds)):
            x = ds[i][None]
            recon, _ = model(x)
            loss, s = F.mse_loss(recon, x).item(), batch_ssim(x, recon)[0]
            fig, axes = plt.subplots(1, 2)
            axes[0].imshow(x[0, 0], cmap='gray'); axes[0].set_title('Original'); axes[0].axis('off')
            axes[1].imshow(recon[0, 0], cmap='gray'); axes[1].set_title('Reconstruction'); axes[1].axis('off')
            fig.suptitle(f'Loss: {loss:.4f}, SSIM: {s:.4f}')
            fig.savefig(out/f"{ds.files[i].name.removesuffix('.nii.gz')}.png"); plt.close(fig)
    return len(ds)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('job', choices=('train', 'predict'))
    p.add_argument('config'); p.add_argument('out')
    p.add_argument('--epochs', type=int); p.add_argument('--data-root')
    a = p.parse_args()
    if a.job == 'train': print(f'trained in {train(a.config, a.out, a.epochs, a.data_root):.1f} s')
    else: print(f'predicted {predict(a.config, a.out)} slices')
