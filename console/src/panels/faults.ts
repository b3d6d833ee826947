import { field, fill, frame, h, json } from '../dom.ts';
import type { Ctx, Panel, ActiveFaultRule as Rule } from '../types.ts';

/** A stored rule as it is sent back: PUT replaces the list, so kept rules keep their remaining count. */
function asSent(rule: Rule): Record<string, unknown> {
  const { remaining, times: _, ...rest } = rule;
  return { ...rest, ...(remaining !== null && { times: remaining }) };
}

export function faults(ctx: Ctx): Panel {
  const { el, body, note } = frame('Faults');
  let rules: Rule[] = [];
  const put = async (next: Array<Record<string, unknown>>, what: string) => {
    const result = await ctx.api.call('PUT', '/__sim/faults', { rules: next });
    ctx.shown(what, result);
    if (result.status !== 200) fill(note, `Refused: ${JSON.stringify(result.body)}`);
    await panel.refresh(result.status === 200);
  };

  const method = h(
    'select',
    { name: 'method' },
    h('option', { value: '' }, 'Any'),
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { value: m }, m)),
  );
  const path = h('input', { name: 'path', value: '/v1/channel/**', required: true, size: 28 });
  const status = h('input', { name: 'status', type: 'number', min: 100, max: 599, value: '503' });
  const answer = h('textarea', { name: 'body', rows: 2, cols: 30, placeholder: '{"detail": "..."}' });
  const delay = h('input', { name: 'delay', type: 'number', min: 0, max: 60000, placeholder: '0' });
  const probability = h('input', {
    name: 'probability',
    type: 'number',
    min: 0,
    max: 1,
    step: 0.05,
    value: '1',
  });
  const times = h('input', { name: 'times', type: 'number', min: 1, placeholder: 'forever' });
  const form = h(
    'form',
    {
      class: 'grid-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        let parsedBody: unknown;
        if (answer.value.trim()) {
          try {
            parsedBody = JSON.parse(answer.value);
          } catch {
            fill(note, 'The answer body must be JSON.');
            return;
          }
        }
        const rule: Record<string, unknown> = { path: path.value.trim() };
        if (method.value) rule.method = method.value;
        if (status.value) rule.status = Number(status.value);
        if (parsedBody !== undefined) rule.body = parsedBody;
        if (delay.value) rule.delayMs = Number(delay.value);
        if (probability.value && Number(probability.value) !== 1)
          rule.probability = Number(probability.value);
        if (times.value) rule.times = Number(times.value);
        void put([...rules.map(asSent), rule], `Add a fault rule on ${rule.path}`);
      },
    },
    field('Method', method),
    field('Path', path, '* one segment, ** any'),
    field('Status', status, 'empty: delay only'),
    field('Answer body (JSON)', answer),
    field('Delay (ms)', delay),
    field('Probability', probability),
    field('Times', times),
    h('button', { type: 'submit' }, 'Add rule'),
  );
  const clear = h(
    'button',
    {
      type: 'button',
      class: 'quiet',
      onclick: async () => {
        const result = await ctx.api.call('DELETE', '/__sim/faults');
        ctx.shown('Remove every fault rule', result);
        await panel.refresh();
      },
    },
    'Remove all',
  );

  el.append(h('h3', {}, 'Add a rule'), form);

  const panel = {
    id: 'faults',
    title: 'Faults',
    el,
    async refresh(keepNote = false) {
      rules = (await ctx.api.get<{ rules: Rule[] }>('/__sim/faults')).rules;
      if (!keepNote)
        fill(
          note,
          `${rules.length} rule${rules.length === 1 ? '' : 's'} on the channel API (never on /__sim).`,
        );
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
              ['Id', 'Method', 'Path', 'Status', 'Body', 'Delay', 'Probability', 'Remaining', ''].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            rules.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, r.id),
                h('td', {}, r.method ?? 'any'),
                h('td', {}, h('code', {}, r.path)),
                h('td', {}, r.status ?? '—'),
                h('td', {}, r.body === undefined ? '—' : h('code', {}, json(r.body))),
                h('td', {}, r.delayMs ? `${r.delayMs} ms` : '—'),
                h('td', {}, r.probability),
                h('td', {}, r.remaining ?? 'forever'),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `Remove rule ${r.id}`,
                      'data-key': `remove:${r.id}`,
                      onclick: () =>
                        put(rules.filter((x) => x.id !== r.id).map(asSent), `Remove fault rule ${r.id}`),
                    },
                    'Remove',
                  ),
                ),
              ),
            ),
          ),
        ),
        rules.length > 0 ? clear : null,
      );
    },
  } satisfies Panel & { refresh(keep?: boolean): Promise<void> };
  return panel;
}
