// The docs site's search: search.json (one entry per part of a page) filtered by every word typed, titles first.
// Also: "/" focuses the search box, Escape closes the results, ?q=words in the address searches on load.
(function () {
  const root = document.body.dataset.root;
  const input = document.getElementById('search');
  const list = document.getElementById('search-results');
  let entries = null;

  async function load() {
    if (entries) return entries;
    try { entries = await (await fetch(root + 'search.json')).json(); }
    catch (error) { entries = null; throw error; }
    return entries;
  }
  const escape = (text) => text.replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  function snippet(text, word) {
    const at = Math.max(0, text.toLowerCase().indexOf(word) - 60);
    return (at ? '…' : '') + text.slice(at, at + 160) + (text.length > at + 160 ? '…' : '');
  }
  function show(items) { list.innerHTML = items.join(''); list.hidden = items.length === 0; }

  async function search() {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return show([]);
    let all;
    try { all = await load(); }
    catch (error) { return show(['<li class="note">Search reads search.json: serve the site (python -m http.server) to use it.</li>']); }
    const score = (e) => words.reduce((s, w) => s + (e.title.toLowerCase().includes(w) ? 4 : 0)
                                                  + (e.section.toLowerCase().includes(w) ? 2 : 0), 0);
    const hits = all.filter((e) => words.every((w) => (e.title + ' ' + e.section + ' ' + e.text).toLowerCase().includes(w)))
                    .map((e) => [score(e), e]).sort((a, b) => b[0] - a[0]).map((pair) => pair[1]);
    show(hits.length ? hits.slice(0, 25).map((e) =>
      `<li><a href="${root}${e.href}"><b>${escape(e.title)}</b>${e.section ? ' › ' + escape(e.section) : ''}` +
      `<span>${escape(snippet(e.text, words[0]))}</span></a></li>`) : ['<li class="note">No page mentions that.</li>']);
  }

  input.addEventListener('input', search);
  input.addEventListener('focus', search);
  document.addEventListener('keydown', (event) => {
    if (event.key === '/' && document.activeElement !== input) { event.preventDefault(); input.focus(); }
    if (event.key === 'Escape') show([]);
  });
  document.addEventListener('click', (event) => { if (!event.target.closest('.search')) show([]); });
  const asked = new URLSearchParams(location.search).get('q');
  if (asked) { input.value = asked; search(); }
})();
