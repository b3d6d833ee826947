import { itemsOf } from '../api.ts';
import { fill, frame, h, short, when } from '../dom.ts';
import type {
  Ctx,
  Panel,
  SimQuestion as Question,
  SimRefund as Refund,
  SimReview as Review,
} from '../types.ts';

function table(head: string[], rows: HTMLTableRowElement[]): HTMLTableElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

export function questions(ctx: Ctx): Panel {
  const { el, body, note } = frame('Questions');
  const panel: Panel = {
    id: 'questions',
    title: 'Questions',
    el,
    async refresh() {
      await ctx.products().catch(() => undefined);
      const list = itemsOf<Question>(await ctx.api.get('/__sim/questions?limit=1000'), 'questions');
      const open = list.filter((q) => !q.answer).length;
      fill(note, `${list.length} questions, ${open} waiting for an answer.`);
      const answerForm = (q: Question) => {
        const text = h('textarea', {
          rows: 2,
          cols: 36,
          'aria-label': `Answer to ${q.title ?? q.question_code}`,
          'data-key': `answer:${q.question_code}`,
        });
        return h(
          'form',
          {
            class: 'row',
            onsubmit: async (event: Event) => {
              event.preventDefault();
              if (!text.value.trim()) return;
              const result = await ctx.api.call('POST', `/__sim/questions/${q.question_code}/answer`, {
                body: text.value.trim(),
              });
              ctx.shown(`Answer question ${q.question_code}`, result);
              await panel.refresh();
            },
          },
          text,
          h('button', { type: 'submit' }, 'Answer'),
        );
      };
      fill(
        body,
        table(
          ['Product', 'Question', 'Public', 'Asked', 'Answer'],
          list.map((q) =>
            h(
              'tr',
              {},
              h('td', {}, ctx.titleOf(q.product_code)),
              h('td', {}, h('strong', {}, q.title ?? ''), h('p', {}, q.body ?? '')),
              h('td', {}, q.is_public ? 'public' : 'private'),
              h('td', {}, when(q.quested_at)),
              h(
                'td',
                {},
                q.answer
                  ? h('p', {}, q.answer.body, h('small', {}, when(q.answer.answered_at)))
                  : answerForm(q),
              ),
            ),
          ),
        ),
      );
    },
  };
  return panel;
}

export function reviews(ctx: Ctx): Panel {
  const { el, body, note } = frame('Reviews');
  return {
    id: 'reviews',
    title: 'Reviews',
    el,
    async refresh() {
      await ctx.products().catch(() => undefined);
      const list = itemsOf<Review>(await ctx.api.get('/__sim/reviews?limit=1000'), 'reviews');
      fill(note, `${list.length} reviews.`);
      fill(
        body,
        table(
          ['Product', 'Score', 'Review', 'Reviewed'],
          list.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, ctx.titleOf(r.product_code)),
              h('td', {}, r.score ?? '—', h('small', {}, r.score_type)),
              h('td', {}, h('strong', {}, r.title ?? ''), h('p', {}, r.body ?? '')),
              h('td', {}, when(r.reviewed_at)),
            ),
          ),
        ),
      );
    },
  };
}

const money = (s: string) => s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');

export function refunds(ctx: Ctx): Panel {
  const { el, body, note } = frame('Refunds');
  return {
    id: 'refunds',
    title: 'Refunds',
    el,
    async refresh() {
      const list = itemsOf<Refund>(await ctx.api.get('/__sim/refunds?limit=1000'), 'refunds');
      const off = list.filter((r) => !r.matches_policy).length;
      fill(note, `${list.length} refunds reported, ${off} not matching the channel’s own policy.`);
      fill(
        body,
        table(
          ['Order / ticket', 'Cancelled', 'Policy', 'Channel refunded', 'Policy implies', 'Match'],
          list.map((r) =>
            h(
              'tr',
              {},
              h(
                'td',
                {},
                h('code', {}, short(r.ax_order_code)),
                ' / ',
                h('code', {}, short(r.ax_ticket_code)),
              ),
              h('td', {}, when(r.channel_canceled_at)),
              h(
                'td',
                {},
                Object.entries(r.channel_policy)
                  .map(([percent, days]) => `${percent}% from ${days} d before`)
                  .join(', '),
              ),
              h('td', { class: 'num' }, money(r.channel_refunded_price)),
              h('td', { class: 'num' }, `${money(r.expected_refund_amount)} (${r.expected_refund_percent}%)`),
              h(
                'td',
                {},
                h(
                  'span',
                  { class: r.matches_policy ? 'match' : 'mismatch' },
                  r.matches_policy ? '✓ matches' : '✗ differs',
                ),
              ),
            ),
          ),
        ),
      );
    },
  };
}
