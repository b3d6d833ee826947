import { field, fill, frame, h, when } from '../dom.ts';
import type { Clock, Ctx, Panel } from '../types.ts';

/** "90", "90s", "30m", "2h 30m", "1d": seconds, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  const units: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
  let total = 0;
  let rest = s;
  for (;;) {
    const m = /^(\d+)\s*(d|h|m|s)\s*/.exec(rest);
    if (!m) break;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return rest === '' && s !== '' ? total : undefined;
}

/** 93784 → "1 d 2 h 3 min 4 s"; 0 → "0 s". */
export function humanDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

export function clock(ctx: Ctx): Panel {
  const { el, body, note } = frame('Clock');
  const now = h('p', { class: 'big' });
  const offset = h('p', {});
  const advance = async (seconds: number, label: string) => {
    const result = await ctx.api.call('POST', '/__sim/clock/advance', { seconds });
    ctx.shown(`Advance the clock ${label}`, result);
    await panel.refresh();
  };
  const duration = h('input', { name: 'duration', placeholder: '2h 30m, 90s, 3d', size: 14 });
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const seconds = parseDuration(duration.value);
        if (seconds === undefined) {
          fill(note, `“${duration.value}” is not a duration: write e.g. 90, 90s, 30m, 2h 30m or 1d.`);
          return;
        }
        void advance(seconds, `by ${duration.value.trim()}`);
      },
    },
    field('Duration', duration),
    h('button', { type: 'submit' }, 'Advance'),
  );
  const buttons = h(
    'div',
    { class: 'row' },
    (
      [
        ['Advance 1 min', 60, 'by 1 min'],
        ['Advance 30 min', 1_800, 'by 30 min'],
        ['Advance 1 day', 86_400, 'by 1 day'],
      ] as const
    ).map(([label, seconds, what]) =>
      h('button', { type: 'button', onclick: () => advance(seconds, what) }, label),
    ),
  );
  el.append(buttons, form);

  const panel: Panel = {
    id: 'clock',
    title: 'Clock',
    el,
    async refresh() {
      const c = await ctx.api.get<Clock>('/__sim/clock');
      fill(now, when(c.now));
      fill(
        offset,
        `${humanDuration(c.offset_seconds)} ahead of the real clock (${c.offset_seconds} s). ` +
          'Supplier actions due by then have been applied.',
      );
      fill(body, h('p', {}, 'The sandbox’s virtual now (가상 시각):'), now, offset);
    },
  };
  return panel;
}
