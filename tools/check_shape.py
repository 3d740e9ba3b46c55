"""Check the library's shape: small exported cells, imports in import-only cells, no private names imported
across modules, no unused imports. Prints the figures, one line each, and exits 1 when a limit is broken.
Usage: python tools/check_shape.py [--max-cell 60] [--max-median 15]"""
import argparse, ast, json, re, statistics, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
EXPORT = re.compile(r'^\s*#\s*\|\s*export[si]?\b')


def code_cells(nb: Path):
    "The source of every code cell of a notebook."
    return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']


def mixed_import(src: str) -> bool:
    "True if an unexported cell holds an import and other code: nbdev's docs processing would run all of it."
    try: tree = ast.parse(src)
    except SyntaxError: return False                  # cell magics (%time, !cmd): not executed by nbdev either
    if not any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)): return False
    return any(not isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


def private_imports(module: Path):
    "Names starting with `_` that a module imports from another hipvq module."
    tree = ast.parse(module.read_text())
    return [f'{module.name}: {node.module}.{a.name}' for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or '').lstrip('.').split('.')[-1] in {m.stem for m in module.parent.glob('*.py')} | {'hipvq'}
            for a in node.names if a.name.startswith('_') and not a.name.startswith('__')]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--max-cell', type=int, default=60)
    p.add_argument('--max-median', type=int, default=15)
    args = p.parse_args(argv)
    notebooks = sorted(n for n in (root/'nbs').rglob('*.ipynb') if not n.name.startswith('_') and '.ipynb_checkpoints' not in n.parts)
    sizes, big, mixed = [], [], []
    for nb in notebooks:
        for i, src in enumerate(code_cells(nb)):
            if EXPORT.match(src):
                n = len(src.splitlines()) - 1          # without the directive line
                sizes.append(n)
                if n > args.max_cell: big.append(f'{nb.relative_to(root)} cell {i}: {n} lines')
            elif mixed_import(src): mixed.append(f'{nb.relative_to(root)} cell {i}')
    modules = sorted(m for m in (root/'hipvq').glob('*.py') if m.name not in ('_modidx.py', '__init__.py'))
    private = [x for m in modules for x in private_imports(m)]
    flakes = subprocess.run([sys.executable, '-m', 'pyflakes', *map(str, modules)], capture_output=True, text=True).stdout.splitlines()
    unused = [l for l in flakes if 'imported but unused' in l]
    median = statistics.median(sizes)
    print(f'exported cells: {len(sizes)}, median {median:g} lines, largest {max(sizes)} (limits: median <= {args.max_median}, none over {args.max_cell})')
    print(f'cells mixing imports with other code: {len(mixed)}')
    print(f'private names imported across modules: {len(private)}')
    print(f'unused imports: {len(unused)}')
    for line in big + mixed + private + unused: print('  ' + line)
    bad = median > args.max_median or big or mixed or private or unused
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
