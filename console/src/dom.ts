/** A tiny element builder: the console's whole "framework". */
export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key in el && !key.includes('-') && key !== 'list' && key !== 'form') {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's children. A live refresh must not steal the keyboard: if the focused control
 * inside had a `data-key`, its replacement (same key) gets the focus back.
 */
export function fill(el: Element, ...children: Array<Child | Child[]>): void {
  const focused = document.activeElement;
  const key = focused instanceof HTMLElement && el.contains(focused) ? focused.dataset.key : undefined;
  // Nor may it erase what someone is typing (an answer being written while orders arrive).
  const typed = new Map<string, string>();
  for (const input of el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
    'input[data-key], textarea[data-key]',
  )) {
    if (input.value) typed.set(input.dataset.key!, input.value);
  }
  el.replaceChildren();
  append(el, children);
  for (const [k, value] of typed) {
    const input = el.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-key="${CSS.escape(k)}"]`);
    if (input && !input.value) input.value = value;
  }
  if (key !== undefined) el.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** A labelled form control: the label's text is the control's accessible name. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null);
}

/** A date-time shown in UTC, short. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

export function short(code: string): string {
  return code.length > 13 ? `${code.slice(0, 8)}…` : code;
}

export function json(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

export async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission: the old way, through a selected text area.
    const area = h('textarea', { value: text });
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** A panel's frame: a heading, optional tools, and a body the panel refills. */
export function frame(
  title: string,
  ...tools: Child[]
): { el: HTMLElement; body: HTMLElement; note: HTMLElement } {
  const body = h('div', { class: 'body' });
  const note = h('p', { class: 'note', role: 'status' });
  const el = h(
    'section',
    { class: 'panel' },
    h('h2', {}, title),
    h('div', { class: 'tools' }, tools),
    note,
    body,
  );
  return { el, body, note };
}
