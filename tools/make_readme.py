"""Write README.md from nbs/index.ipynb without Quarto (nbconvert only, works offline).

Follows nbdev's rules for what a reader sees: cells flagged `#| hide` or `#| include: false` are
dropped, `#| echo: false` keeps only the outputs, directive lines are removed. Images in outputs are
written to README_files/; links to notebooks (relative to nbs/) are made relative to the top level. On a machine with Quarto, `nbdev_readme` produces the same page.
Usage: python tools/make_readme.py [--check]   (--check: exit 1 if README.md is out of date)"""
import re, sys
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\|\s*(.*)$')
HEADER = '<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n'


def directives(src):
    "The `#| ...` directives of a cell source, as a list of strings."
    return [m.group(1).strip() for line in src.splitlines() if (m := DIRECTIVE.match(line))]


def reader_view(nb):
    "The notebook as a reader sees it: hidden cells dropped, directives stripped."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == 'code':
            d = directives(cell.source)
            if any(x == 'hide' or x.replace(' ', '') == 'include:false' for x in d): continue
            if 'export' in d or any(x.startswith('default_exp') for x in d):
                if not cell.get('outputs'): continue
            cell.source = '\n'.join(l for l in cell.source.splitlines() if not DIRECTIVE.match(l)).strip()
            if any(x.replace(' ', '') == 'echo:false' for x in d): cell.source = ''
            if not cell.source and not cell.get('outputs'): continue
        cells.append(cell)
    nb.cells = cells
    return nb


def render(nb_path=ROOT/'nbs'/'index.ipynb'):
    "Markdown text and image files {name: bytes} for the README."
    nb = reader_view(nbformat.read(nb_path, as_version=4))
    exporter = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True)
    body, res = exporter.from_notebook_node(nb, resources={'output_files_dir': 'README_files'})
    body = re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'
    body = re.sub(r'\]\((?![a-z]+:|/|#)([^)]+\.ipynb)\)', r'](nbs/\1)', body)   # notebook links: from nbs/ to the top level
    return HEADER + body, res.get('outputs', {})


def main(argv):
    text, files = render()
    readme = ROOT/'README.md'
    stale = [p for p in sorted((ROOT/'README_files').glob('*')) if str(p.relative_to(ROOT)) not in files]
    if '--check' in argv:
        same = readme.exists() and open(readme, newline='').read() == text and not stale and all(   # newline='': a \r in an output (a progress bar) stays a \r
            (ROOT/n).exists() and (ROOT/n).read_bytes() == b for n, b in files.items())
        if not same: print('README.md is out of date: run python tools/make_readme.py and commit it')
        return 0 if same else 1
    for p in stale: p.unlink()                      # images of outputs that are gone
    for name, data in files.items():
        (ROOT/name).parent.mkdir(parents=True, exist_ok=True)
        (ROOT/name).write_bytes(data)
    readme.write_text(text)
    print(f'wrote README.md ({len(text.splitlines())} lines, {len(files)} images)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
