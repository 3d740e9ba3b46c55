"""Run the notebooks' tests with nbdev's own runner (`nbdev.test.test_nb`, as `nbdev_test` does),
one line per notebook, then a closing `N passed, N failed` line.

Unlike `nbdev_test`, it exits non-zero when no notebook ran (nbdev_test prints `Success.` then).
A notebook that cannot run its test here (e.g. the docs site test without a browser) writes
`<notebook file name>: <one-line reason>` to the file named by `$HIPVQ_SKIPPED`: it is counted as skipped, not passed.
Usage: python tools/test_notebooks.py [PATH_OR_GLOB] [--flags "slow"] [--n_workers 2]"""
import argparse, os, sys, tempfile, time
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
    with tempfile.NamedTemporaryFile('r', prefix='hipvq-skipped-') as said:
        os.environ['HIPVQ_SKIPPED'] = said.name
        results = parallel(test_nb, files, skip_flags=skip, force_flags=force, basepath=cfg.config_path,
                           n_workers=min(args.n_workers, len(files)), pause=0.01, progress=False)
        skipped = dict(line.split(': ', 1) for line in said.read().splitlines() if ': ' in line)
    ok = n_skipped = 0
    for f, (passed, secs) in zip(files, results):
        status = 'FAIL' if not passed else 'SKIP' if f.name in skipped else 'PASS'
        ok, n_skipped = ok + (status == 'PASS'), n_skipped + (status == 'SKIP')
        print(f"{status}  {f.relative_to(cfg.config_path)}  ({secs:.0f} s)" + (f'  {skipped[f.name]}' if status == 'SKIP' else ''))
    bad = len(files) - ok - n_skipped
    print(f'{len(files)} notebooks in {time.time() - start:.0f} s')
    print(f'{ok} passed, {bad} failed' + (f', {n_skipped} skipped' if n_skipped else ''))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
