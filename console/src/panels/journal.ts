import { curlOf, itemsOf } from '../api.ts';
import { copy, field, fill, frame, h, json, when } from '../dom.ts';
import type { Ctx, JournalEntry as Entry, Panel } from '../types.ts';

/** "404", "4xx", "2" → does the status match; empty matches all. */
export function statusMatches(filter: string, status: number): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  const pattern = new RegExp(`^${f.replace(/x/g, '\\d').replace(/[^\d\\]/g, '')}`);
  return pattern.test(String(status));
}

export function journal(ctx: Ctx): Panel {
  const method = h(
    'select',
    { name: 'method', onchange: () => void panel.refresh() },
    h('option', { value: '' }, 'Any'),
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { value: m }, m)),
  );
  const status = h('input', {
    name: 'status',
    size: 5,
    placeholder: '4xx',
    oninput: () => void panel.refresh(),
  });
  const path = h('input', {
    name: 'path',
    size: 24,
    placeholder: '/orders/',
    oninput: () => void panel.refresh(),
  });
  const { el, body, note } = frame(
    'Journal',
    field('Method', method),
    field('Status', status),
    field('Path contains', path),
  );
  const detail = h('section', { class: 'detail', 'aria-label': 'Request details' });
  el.append(detail);
  let selected: Entry | undefined;

  const show = (entry: Entry) => {
    selected = entry;
    const curl = curlOf(
      entry.method,
      location.origin + entry.path,
      ctx.api.key,
      entry.request_body ?? undefined,
      ctx.api.adminFor(entry.path),
    );
    const copied = h('span', { role: 'status' });
    fill(
      detail,
      h('h3', {}, `${entry.method} ${entry.path} → ${entry.status}`),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await copy(curl);
              fill(copied, 'Copied.');
            },
          },
          'Copy as curl',
        ),
        copied,
      ),
      h('pre', { class: 'curl' }, curl),
      h('h4', {}, 'Request body'),
      h('pre', {}, entry.request_body === null ? '(none)' : json(entry.request_body)),
      h('h4', {}, 'Answer body'),
      h('pre', {}, entry.response_body === null ? '(none)' : json(entry.response_body)),
    );
  };

  const panel: Panel = {
    id: 'journal',
    title: 'Journal',
    el,
    async refresh() {
      const all = itemsOf<Entry>(await ctx.api.get('/__sim/journal?limit=200'), 'entries');
      const shown = all.filter(
        (e) =>
          (!method.value || e.method === method.value) &&
          statusMatches(status.value, e.status) &&
          e.path.includes(path.value.trim()),
      );
      fill(note, `${shown.length} of the last ${all.length} channel-API requests, newest first.`);
      fill(
        body,
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Time (real clock)', 'Method', 'Path', 'Status', 'ms'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            shown.map((e, i) =>
              h(
                'tr',
                { class: selected && selected.at === e.at && selected.path === e.path ? 'selected' : '' },
                h('td', {}, when(e.at)),
                h('td', {}, e.method),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    { type: 'button', class: 'link', 'data-key': `${e.at}:${i}`, onclick: () => show(e) },
                    e.path,
                  ),
                ),
                h('td', {}, h('span', { class: `code c${String(e.status)[0]}` }, e.status)),
                h('td', { class: 'num' }, e.duration_ms),
              ),
            ),
          ),
        ),
      );
    },
  };
  return panel;
}
