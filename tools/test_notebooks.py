"""Run the notebooks' tests with nbdev's own runner (`nbdev.test.test_nb`, as `nbdev_test` does),
one line per notebook, then a closing `N passed, N failed` line.

Unlike `nbdev_test`, it exits non-zero when no notebook ran (nbdev_test prints `Success.` then).
Usage: python tools/test_notebooks.py [PATH_OR_GLOB] [--flags "slow"] [--n_workers 2]"""
import argparse, os, sys, time
from pathlib import Path

from fastcore.parallel import parallel
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import test_nb, _keep_file


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('path', nargs='?', default=None, help='a notebook or a glob (default: all of nbs/)')
    p.add_argument('--flags', default='', help='space-separated test flags to run too (e.g. "slow")')
    p.add_argument('--n_workers', type=int, default=int(os.environ.get('HIPVQ_TEST_WORKERS', 2)))
    args = p.parse_args(argv)
    cfg = get_config()
    files = nbglob(args.path, as_path=True) if args.path else nbglob(cfg.nbs_path, as_path=True)
    files = [f.absolute() for f in sorted(files) if _keep_file(f, '.notest')]
    if not files:
        print(f'no notebook matched {args.path or cfg.nbs_path}')
        print('0 passed, 0 failed')
        return 1
    skip, force = cfg.tst_flags.split(), args.flags.split()
    start = time.time()
    os.chdir(cfg.nbs_path)
    results = parallel(test_nb, files, skip_flags=skip, force_flags=force, basepath=cfg.config_path,
                       n_workers=min(args.n_workers, len(files)), pause=0.01, progress=False)
    ok = 0
    for f, (passed, secs) in zip(files, results):
        ok += bool(passed)
        print(f"{'PASS' if passed else 'FAIL'}  {f.relative_to(cfg.config_path)}  ({secs:.0f} s)")
    bad = len(files) - ok
    print(f'{len(files)} notebooks in {time.time() - start:.0f} s')
    print(f'{ok} passed, {bad} failed')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
