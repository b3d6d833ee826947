#!/usr/bin/env node
// The README's whole flow against a running simulator, with the request bodies in this folder:
// detail → register → price → inventory → order → (supplier confirms, control API) → get confirm →
// ticket cancel → refund → order cancel → review → question → answer (control API) → get answer.
//
//   node examples/flow.mjs [--base-url http://127.0.0.1:4010] [--api-key demo-key]
//                          [--family tour|day-ticket] [--product CODE] [--curl]
//
// Each body's {{placeholders}} are filled from earlier answers. Every step prints its status; the
// script stops with exit code 1 at the first answer that is not the documented one. --curl also prints
// each request as a curl command you can paste. Plain Node 20 (global fetch), no dependencies.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: process.env.AX_BASE_URL ?? 'http://127.0.0.1:4010' },
    'api-key': { type: 'string', default: process.env.AX_API_KEY ?? 'demo-key' },
    family: { type: 'string', default: 'tour' },
    product: { type: 'string' },
    curl: { type: 'boolean', default: false },
  },
});
const family = values.family;
if (family !== 'tour' && family !== 'day-ticket') {
  process.stderr.write(`--family must be tour or day-ticket, not ${family}\n`);
  process.exit(1);
}
const base = values['base-url'].replace(/\/+$/, '');
const auth = `Token ${values['api-key']}`;
// The supplier test product whose orders stay New until the control API acts ("manual").
const product =
  values.product ??
  (family === 'tour' ? '00000000-0000-4000-8000-000000000004' : '00000000-0000-4000-8000-000000000014');
const run = Date.now().toString(36);

/** A body file of this folder, its {{placeholders}} replaced by `fill`'s values. */
function body(file, fill = {}) {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  return JSON.parse(
    text.replace(/\{\{(\w+)\}\}/g, (whole, name) => {
      if (!(name in fill)) throw new Error(`${file}: no value for ${whole}`);
      return String(fill[name]);
    }),
  );
}

let step = 0;
/** One request: prints `<n>. <status> <method> <path>  <what>`, fails unless the status is `expected`. */
async function call(what, method, path, expected, payload) {
  step += 1;
  const headers = { Authorization: auth };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  if (values.curl) {
    const data =
      payload === undefined
        ? ''
        : ` -H 'Content-Type: application/json' -d '${JSON.stringify(payload).replace(/'/g, "'\\''")}'`;
    process.stdout.write(`curl -X ${method} -H 'Authorization: ${auth}'${data} '${base}${path}'\n`);
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(payload !== undefined && { body: JSON.stringify(payload) }),
  });
  const text = await response.text();
  const ok = response.status === expected;
  process.stdout.write(
    `${String(step).padStart(2)}. ${ok ? '✓' : '✗'} ${response.status} ${method} ${path}  ${what}\n`,
  );
  if (!ok) {
    process.stderr.write(`expected ${expected}, got ${response.status}: ${text.slice(0, 500)}\n`);
    process.exit(1);
  }
  return text ? JSON.parse(text) : undefined;
}

const f = family;
const detail = await call('product detail: options', 'GET', `/v1/channel/products/${f}/${product}`, 200);
const [first, second = first] = detail.options;
const options = { option_code: first.option_code, option_code_2: second.option_code };

const registered = await call(
  'register, every option mapped',
  'POST',
  `/v1/channel/products/${f}/registration/${product}`,
  201,
  body(`${f}/register.json`, options),
);
const mapping_code = registered.data.channel_product_mapping_code;

await call('price of each option', 'GET', `/v1/channel/price/${f}/${product}`, 200);
const inventory = await call('inventory', 'GET', `/v1/channel/inventory/${f}/${product}?page_size=100`, 200);
const slot = inventory.option_codes[first.option_code].find(
  (e) => e.remain_quantity >= 2 && e.is_order !== false,
);
if (!slot) throw new Error(`no date with 2 places left for option ${first.option_code}`);
const inventory_at = `${slot.date}T${slot.start_time ?? '00:00'}:00Z`;

const channel_order_id = `flow-${run}`;
const created = await call(
  'order 2 tickets (201, status New)',
  'POST',
  `/v1/channel/orders/${f}`,
  201,
  body(`${f}/order.json`, { ...options, mapping_code, inventory_at, channel_order_id }),
);
const line = created.data.depth_combinations[0];
const order = line.ax_order_code;
const ticket = line.tickets[0].ax_ticket_code;

await call(
  'supplier confirms (control API)',
  'POST',
  `/__sim/orders/${order}/supplier`,
  200,
  body('control/supplier-confirm.json'),
);
const confirm = await call('get confirm: Supplier confirm', 'GET', `/v1/channel/orders/${f}/${order}`, 200);
if (confirm.data[0].ax_order_status !== 'Supplier confirm')
  throw new Error(`status ${confirm.data[0].ax_order_status}`);
await call(
  'cancel one ticket',
  'PATCH',
  `/v1/channel/orders/${f}/${order}/tickets/${ticket}`,
  200,
  body(`${f}/cancel-ticket.json`),
);
await call(
  'refund the cancelled ticket',
  'POST',
  `/v1/channel/orders/${f}/${order}/tickets/${ticket}/refund`,
  200,
  body(`${f}/refund.json`),
);
await call(
  'cancel the order: stock restored',
  'PATCH',
  `/v1/channel/orders/${f}/${order}`,
  200,
  body(`${f}/cancel-order.json`),
);
await call(
  'review',
  'POST',
  `/v1/channel/review/${f}/${product}`,
  201,
  body(`${f}/review.json`, { ...options, channel_order_id, review_code: `review-${run}` }),
);
const question_code = `question-${run}`;
await call(
  'question',
  'POST',
  `/v1/channel/question/${f}/${product}`,
  201,
  body(`${f}/question.json`, { ...options, question_code }),
);
await call(
  'supplier answers (control API)',
  'POST',
  `/__sim/questions/${question_code}/answer`,
  200,
  body('control/answer.json'),
);
await call('get answer', 'GET', `/v1/channel/question/${f}/${product}/${question_code}`, 200);
process.stdout.write(`${family} flow: all ${step} steps answered as documented.\n`);
