"""Build the docs site into _docs/ and print how to open it.

Where the `quarto` command exists this is nbdev's own `nbdev_docs` (configured by the top-level _quarto.yml). Elsewhere
(Quarto cannot be installed on offline machines) the site is built from the same nbdev-processed notebooks:
`nbdev_proc_nbs` writes _proc/ (a stand-in `quarto` on PATH keeps nbdev from running its installer), then nbconvert's
HTML exporter renders each notebook's cells (tools/docs_site/cells.html.j2) into the page template
tools/docs_site/page.html: the sidebar from nbdev's sidebar.yml, titles and descriptions from each notebook's front
matter, links made relative, a plain search over search.json. Every file a page loads is in the site: no fonts,
scripts or styles from another host.
Usage: python tools/build_docs.py [--offline] [--out _docs] [--n_workers 2]"""
import argparse, html, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path, PurePosixPath

import nbformat, yaml
from jinja2 import Template
from markupsafe import Markup
from nbconvert import HTMLExporter
from pygments.formatters import HtmlFormatter

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent/'docs_site'
BIN = Path(sys.executable).parent
DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')


def process_notebooks(n_workers:int=2) -> Path:
    "Run nbdev's docs processing into _proc/ (only changed notebooks are processed again); return _proc."
    with tempfile.TemporaryDirectory() as stub:
        quarto = Path(stub)/'quarto'
        quarto.write_text('#!/bin/sh\nexit 0\n'); quarto.chmod(0o755)
        env = dict(os.environ, PATH=f'{stub}{os.pathsep}{os.environ["PATH"]}')
        done = subprocess.run([str(BIN/'nbdev_proc_nbs'), '--n_workers', str(n_workers)], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f'build_docs: nbdev_proc_nbs failed (it runs every notebook cell that imports something):\n'
                         + '\n'.join((done.stdout + done.stderr).splitlines()[-25:]))
    return ROOT/'_proc'


def sidebar_pages(proc:Path) -> list[dict]:
    "The notebooks of nbdev's sidebar.yml in its order, each with its section ('' at the top level)."
    def walk(entries, section):
        for entry in entries:
            if isinstance(entry, dict):
                if entry.get('href'): yield dict(source=entry['href'], section=entry['section'])
                yield from walk(entry.get('contents', []), entry['section'])
            elif str(entry).endswith('.ipynb'): yield dict(source=str(entry), section=section)   # (it lists nbdev.yml too)
    return list(walk(yaml.safe_load((proc/'sidebar.yml').read_text())['website']['sidebar']['contents'], ''))


def front_matter(nb) -> dict:
    "The YAML front matter nbdev writes into a processed notebook's first (raw) cell; {} if there is none."
    first = nb.cells[0] if nb.cells else None
    match = first is not None and first.cell_type == 'raw' and re.match(r'\s*---\n(.*?)\n---', first.source, re.S)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def directives(source:str) -> dict:
    "The `#| key: value` lines of a cell, as {key: value}."
    return {m.group(1): m.group(2) for line in source.splitlines() if (m := DIRECTIVE.match(line))}


def unpandoc(markdown:str) -> str:
    "Drop pandoc's attribute braces after links (`[source](url){target=\"_blank\"}`), which only Quarto understands."
    return re.sub(r'(\]\([^)\s]*\))\{[^}\n]*\}', r'\1', markdown)


def reader_view(nb):
    "The notebook as Quarto shows it: `echo: false`, `output: asis`, `include: false`, `output: false` acted on, widgets' pictures."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == 'raw': continue                                    # the front matter
        if cell.cell_type == 'markdown': cell.source = unpandoc(cell.source)
        if cell.cell_type != 'code': cells.append(cell); continue
        found = directives(cell.source)
        if found.get('include') == 'false': continue
        if found.get('output') == 'asis':                                       # show_doc: its markdown is the page's text
            cells += [nbformat.v4.new_markdown_cell(unpandoc(o.data['text/markdown'])) for o in cell.get('outputs', [])
                      if 'text/markdown' in o.get('data', {})]
            continue
        cell.source = '\n'.join(l for l in cell.source.splitlines() if not DIRECTIVE.match(l)).strip()
        if found.get('echo') == 'false' or not cell.source: cell.metadata['transient'] = {'remove_source': True}
        for output in cell.get('outputs', []):                        # a widget needs a live kernel: its picture stays
            output.get('data', {}).pop('application/vnd.jupyter.widget-view+json', None)
        cell.outputs = [] if found.get('output') == 'false' else [o for o in cell.get('outputs', []) if o.get('data', True)]
        cells.append(cell)
    nb.cells = cells
    return nb


def pandoc_id(text:str, taken:set) -> str:
    "Quarto's (pandoc's) identifier for a heading: lower case, punctuation dropped, spaces to '-', made unique."
    base = re.sub(r'[^\w\s.-]', '', text.lower()).strip()
    base = re.sub(r'\s+', '-', base).lstrip('0123456789.-_') or 'section'
    name, n = base, 0
    while name in taken: n += 1; name = f'{base}-{n}'
    taken.add(name)
    return name


BLOCK_END = re.compile(r'</(?:p|div|li|h[1-6]|pre|tr|td|th|table|ul|ol)>|<br\s*/?>', re.I)

def plain(fragment:str) -> str:
    "Text of an HTML fragment: tags dropped (blocks apart), whitespace collapsed."
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', '', BLOCK_END.sub(' ', fragment))).split())


HEADING = re.compile(r'<h([1-6]) id="[^"]*">(.*?)(?:<a class="anchor-link" href="[^"]*">(?:&#182;|¶)</a>)?</h\1>', re.S)

def heading_ids(body:str) -> tuple[str, list]:
    "Give the headings Quarto's ids (so nbdev's links `page.html#name` land); return the body and [(level, id, text)]."
    taken, found = set(), []
    def one(m):
        level, inner = int(m.group(1)), m.group(2)
        name = pandoc_id(plain(inner), taken)
        found.append((level, name, plain(inner)))
        return f'<h{level} id="{name}">{inner}<a class="anchor-link" href="#{name}" aria-hidden="true">#</a></h{level}>'
    return HEADING.sub(one, body), found


def relative(target:str, page:str) -> str:
    "A link from site page `page` to site path `target` (both from the site's root): works on any static server."
    return PurePosixPath(os.path.relpath(target, PurePosixPath(page).parent.as_posix() or '.')).as_posix()


def fix_links(body:str, page:dict, site_url:str, hrefs:dict) -> str:
    "Links to the published site (nbdev's doc links) and to notebooks, made relative to `page`."
    def one(m):
        path, _, anchor = m.group(2).partition('#')
        if site_url and path.startswith(site_url + '/'): target = path[len(site_url) + 1:] or 'index.html'
        elif path.endswith('.ipynb') and not re.match(r'[a-zA-Z][\w+.-]*:|/', path):
            target = hrefs.get(os.path.normpath(PurePosixPath(page['source']).parent/path))
            if target is None: return m.group(0)
        else: return m.group(0)
        return f'{m.group(1)}="{relative(target, page["href"])}{"#" + anchor if anchor else ""}"'
    return re.sub(r'(href)="([^"]*)"', one, body)


def search_entries(page:dict, body:str, limit:int=600) -> list[dict]:
    "Entries of search.json: the page's top and each part under a level-2 or -3 heading, with the start of its text."
    parts = re.split(r'(<h[23] id="[^"]*">.*?</h[23]>)', body, flags=re.S)
    top = f"{page['description']} {plain(parts[0])}"[:limit]
    entries = [dict(title=page['title'], section='', href=page['href'], text=top)]
    for head, text in zip(parts[1::2], parts[2::2]):
        name = re.search(r'id="([^"]*)"', head).group(1)
        section = plain(re.sub(r'<a class="anchor-link".*?</a>', '', head))
        entries.append(dict(title=page['title'], section=section, href=f"{page['href']}#{name}", text=plain(text)[:limit]))
    return entries


def copy_local_files(body:str, source_dir:Path, out_dir:Path):
    "Copy the files a page's images point at by relative path (outputs are embedded; markdown images are not)."
    for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', body):
        if re.match(r'[a-zA-Z][\w+.-]*:|/', src) or not (source_dir/src).is_file(): continue
        (out_dir/src).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_dir/src, out_dir/src)


def inline_code(text:str) -> str:
    "A title or description as HTML: escaped, `code` in backticks set as code."
    return Markup(re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(text)))


def read_pages(proc:Path) -> list[dict]:
    "Every page of the site in sidebar order: its notebook, section, title, description and address (`output-file`)."
    pages = []
    for entry in sidebar_pages(proc):
        nb = nbformat.read(proc/entry['source'], as_version=4)
        source, matter = PurePosixPath(entry['source']), front_matter(nb)
        href = (source.parent/matter.get('output-file', source.stem + '.html')).as_posix()
        pages.append(dict(entry, nb=nb, href=href, title=str(matter.get('title', source.stem)),
                          description=' '.join(str(matter.get('description', '')).split())))
    return pages


def sidebar_groups(pages:list[dict]) -> list[dict]:
    "The sidebar: runs of pages of one section, in order."
    groups = []
    for page in pages:
        if not groups or groups[-1]['section'] != page['section']: groups.append(dict(section=page['section'], pages=[]))
        groups[-1]['pages'].append(dict(href=page['href'], title=inline_code(page['title'])))
    return groups


def check_out(out:Path):
    "Refuse to replace an `out` that holds something other than a docs site."
    if out.exists() and any(out.iterdir()) and not (out/'search.json').exists():
        raise SystemExit(f'build_docs: {out} exists and is not a docs site (no search.json); choose another --out')


def fresh_folder(out:Path) -> Path:
    "An empty staging folder beside `out` (checked with `check_out`)."
    check_out(out)
    staging = out.with_name(f'.{out.name}.partial')
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def write_site(pages:list[dict], site:dict, proc:Path, staging:Path):
    "Render every page into `staging` with the page template; write search.json and the style and script files."
    exporter = HTMLExporter(template_file=str(ASSETS/'cells.html.j2'), exclude_input_prompt=True, exclude_output_prompt=True)
    template, groups = Template((ASSETS/'page.html').read_text(), autoescape=True), sidebar_groups(pages)
    hrefs, index = {p['source']: p['href'] for p in pages}, []
    for page in pages:
        body, _ = exporter.from_notebook_node(reader_view(page['nb']))
        body, headings = heading_ids(body)
        body = fix_links(body, page, site.get('site-url', '').rstrip('/'), hrefs)
        index += search_entries(page, body)
        path = staging/page['href']
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.render(site=site, page=page, title=inline_code(page['title']), body=Markup(body), groups=groups,
                                        description=inline_code(page['description']),
                                        toc=[h for h in headings if h[0] in (2, 3)], root='../' * page['href'].count('/')))
        copy_local_files(body, (proc/page['source']).parent, path.parent)
    (staging/'search.json').write_text(json.dumps(index, ensure_ascii=False))
    for name in ('site.css', 'site.js'): shutil.copy2(ASSETS/name, staging/name)
    (staging/'pygments.css').write_text(HtmlFormatter(style='default').get_style_defs('.highlight'))


def build_offline(out:Path, n_workers:int=2) -> dict:
    "The offline site: nbdev's processing into _proc/, then nbconvert; written whole, then moved onto `out`."
    start = time.perf_counter()
    staging = fresh_folder(out)
    try:
        proc = process_notebooks(n_workers)
        processed = time.perf_counter()
        pages = read_pages(proc)
        write_site(pages, yaml.safe_load((proc/'nbdev.yml').read_text())['website'], proc, staging)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    finally: shutil.rmtree(staging, ignore_errors=True)
    end = time.perf_counter()
    return dict(builder='the offline builder', pages=len(pages), seconds=end - start,
                detail=f'nbdev processing {processed - start:.0f} s, rendering {end - processed:.0f} s')


def build_with_quarto(out:Path, n_workers:int=2) -> dict:
    "nbdev's own way: `nbdev_docs` renders with Quarto into _docs/ (then moved to `out`)."
    start = time.perf_counter()
    (ROOT/'README.md').touch()        # newer than index.ipynb: nbdev_docs leaves README.md to tools/make_readme.py
    subprocess.run([str(BIN/'nbdev_docs'), '--n_workers', str(n_workers)], cwd=ROOT, check=True)
    docs = ROOT/'_docs'
    if out.resolve() != docs.resolve():
        check_out(out); shutil.rmtree(out, ignore_errors=True); shutil.move(docs, out)
    return dict(builder='nbdev_docs (Quarto)', pages=len(list(out.rglob('*.html'))), seconds=time.perf_counter() - start, detail='')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--offline', action='store_true', help='use the offline builder even where quarto exists')
    p.add_argument('--out', default=str(ROOT/'_docs'), help='where the site goes (default: _docs)')
    p.add_argument('--n_workers', type=int, default=2, help="notebooks processed at once by nbdev's processing")
    args = p.parse_args(argv)
    out = Path(args.out).absolute()
    build = build_offline if args.offline or not shutil.which('quarto') else build_with_quarto
    done = build(out, args.n_workers)
    shown = os.path.relpath(out) if out.is_relative_to(Path.cwd()) else str(out)
    print(f"build_docs: {done['pages']} pages in {shown}/ in {done['seconds']:.0f} s with {done['builder']}"
          + (f" ({done['detail']})" if done['detail'] else ''))
    print(f'open it: python -m http.server --directory {shown} --bind 127.0.0.1 8000, then http://127.0.0.1:8000/ '
          f'(or open {shown}/index.html as a file: all but the search works without a server)')


if __name__ == '__main__':
    main()
