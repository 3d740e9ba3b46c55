"""Execute a notebook in place so its committed outputs (figures, tables) are fresh, then clean it.

Cells flagged `#| slow` keep their committed outputs unless `--slow` is given (they are the long runs).
Stops at the first error and leaves the notebook unchanged.
Usage: python tools/run_notebook.py nbs/04_model.ipynb [--slow] [--keep 12,14]"""
import argparse, os, subprocess, sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell


def is_slow(cell) -> bool:
    "True for a code cell whose directives include `slow`."
    first = [l for l in cell.source.splitlines() if l.startswith('#|')]
    return any('slow' in l[2:].split() for l in first)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebook')
    p.add_argument('--slow', action='store_true', help='run the `#| slow` cells too')
    p.add_argument('--keep', default='', help='comma-separated cell numbers (0-based, all cells) not to run: they keep their outputs')
    args = p.parse_args(argv)
    path = Path(args.notebook).resolve()
    nb = read_nb(path)
    shell = CaptureShell(path)
    shell.set_path(path.parent)
    keep = {int(i) for i in args.keep.split(',') if i}
    kept = {id(c) for i, c in enumerate(nb.cells) if i in keep}
    skip = lambda cell: cell.cell_type != 'code' or (is_slow(cell) and not args.slow) or id(cell) in kept
    cwd = os.getcwd()
    os.chdir(path.parent)
    try: shell.run_all(nb, exc_stop=True, preproc=skip)
    except BaseException:
        sys.stderr.write(shell.prettytb(fname=path) + '\n')
        return 1
    finally: os.chdir(cwd)
    write_nb(nb, path)
    subprocess.run([str(Path(sys.executable).parent/'nbdev_clean'), '--fname', str(path)], check=True)
    print(f'ran {path.name}' + (' (slow cells too)' if args.slow else ' (slow cells kept their outputs)'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
