import { Api, type Result } from './api.ts';
import { copy, field, fill, h, when } from './dom.ts';
import { catalogue } from './panels/catalogue.ts';
import { clock } from './panels/clock.ts';
import { faults } from './panels/faults.ts';
import { inventory } from './panels/inventory.ts';
import { journal } from './panels/journal.ts';
import { orders } from './panels/orders.ts';
import { questions, refunds, reviews } from './panels/records.ts';
import './style.css';
import type { Ctx, Panel, SimProduct } from './types.ts';

const KEY_STORE = 'ax-sim-console-key';
const ADMIN_STORE = 'ax-sim-console-admin';
const root = document.getElementById('app')!;

function start(): void {
  // A link may carry the keys: `#key=<api key>`, and `&admin=<admin key>` for a simulator started
  // with --admin-key.
  const link = new URLSearchParams(location.hash.slice(1));
  const fromLink = link.get('key');
  if (fromLink) {
    sessionStorage.setItem(KEY_STORE, fromLink);
    const admin = link.get('admin');
    if (admin) sessionStorage.setItem(ADMIN_STORE, admin);
    else sessionStorage.removeItem(ADMIN_STORE);
    // The keys leave the address bar (screen shares, history); the tab keeps them for reloads.
    history.replaceState(null, '', location.pathname);
  }
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) void signIn(key, sessionStorage.getItem(ADMIN_STORE) ?? undefined);
  else signInForm();
}

function forgetKeys(): void {
  sessionStorage.removeItem(KEY_STORE);
  sessionStorage.removeItem(ADMIN_STORE);
}

function signInForm(message?: string): void {
  const input = h('input', { type: 'password', name: 'api-key', autocomplete: 'off', required: true });
  const admin = h('input', { type: 'password', name: 'admin-key', autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void signIn(input.value.trim(), admin.value.trim() || undefined);
      },
    },
    h('h1', {}, 'ax-sim console'),
    h('p', {}, 'Sign in with a channel’s API key to see its sandbox. (채널 API 키로 로그인하세요.)'),
    field('API key', input),
    field('Admin key', admin, 'only for a simulator started with --admin-key (X-Sim-Admin)'),
    h('button', { type: 'submit' }, 'Sign in'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
  );
  fill(root, h('main', {}, form));
  input.focus();
}

async function signIn(key: string, admin?: string): Promise<void> {
  const api = new Api(key, admin);
  let check: Result;
  try {
    check = await api.call('GET', '/__sim/clock');
  } catch (error) {
    signInForm(`The simulator did not answer: ${(error as Error).message}`);
    return;
  }
  if (check.status !== 200) {
    forgetKeys();
    signInForm(
      check.status === 404
        ? 'The control API is off on this simulator (--no-control).'
        : admin === undefined
          ? 'That is not the API key of a channel of this simulator — or the simulator runs with --admin-key: enter that key too. (유효하지 않은 API 키입니다.)'
          : 'That API key or admin key is not this simulator’s. (유효하지 않은 API 키 또는 관리자 키입니다.)',
    );
    return;
  }
  sessionStorage.setItem(KEY_STORE, key);
  if (admin !== undefined) sessionStorage.setItem(ADMIN_STORE, admin);
  shell(api);
}

function shell(api: Api): void {
  const channel = h('span', { class: 'channel' }, '…');
  const now = h('span', { class: 'now' });
  const live = h('span', { class: 'live', 'aria-live': 'polite' }, 'connecting…');
  const lastWhat = h('span', { class: 'what' }, 'No action yet — every action here shows the call it made.');
  const lastCurl = h('code', {});
  const copyLast = h(
    'button',
    { type: 'button', disabled: true, onclick: () => copy(lastCurl.textContent ?? '') },
    'Copy',
  );
  const lastCall = h(
    'section',
    { class: 'last-call', 'aria-label': 'Last call', 'aria-live': 'polite' },
    lastWhat,
    h('pre', {}, lastCurl),
    copyLast,
  );

  let productCache: Promise<SimProduct[]> | undefined;
  const titles = new Map<string, string>();
  const ctx: Ctx = {
    api,
    shown(what, result) {
      const ok = result.status < 300;
      fill(lastWhat, `${what} → ${result.status}${ok ? '' : ` ${JSON.stringify(result.body)}`}`);
      lastWhat.className = ok ? 'what ok' : 'what error';
      fill(lastCurl, result.curl);
      copyLast.disabled = false;
    },
    products() {
      productCache ??= api
        .get<{ products: SimProduct[] }>('/__sim/products?limit=1000')
        .then((body) => {
          for (const p of body.products) titles.set(p.product_code, p.title);
          return body.products;
        })
        .catch((error) => {
          productCache = undefined;
          throw error;
        });
      return productCache;
    },
    titleOf: (code) => titles.get(code) ?? code,
  };

  const panels: Panel[] = [
    orders(ctx),
    inventory(ctx),
    catalogue(ctx),
    questions(ctx),
    reviews(ctx),
    refunds(ctx),
    clock(ctx),
    faults(ctx),
    journal(ctx),
  ];
  let active = panels.find((p) => `#${p.id}` === location.hash) ?? panels[0]!;

  const tabs = panels.map((panel, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${panel.id}`,
        'aria-controls': `panel-${panel.id}`,
        onclick: () => select(panel),
        onkeydown: (event: KeyboardEvent) => {
          const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
          if (step === 0) return;
          const next = panels[(i + step + panels.length) % panels.length]!;
          select(next);
          document.getElementById(`tab-${next.id}`)?.focus();
        },
      },
      panel.title,
    ),
  );
  for (const panel of panels) {
    panel.el.id = `panel-${panel.id}`;
    panel.el.setAttribute('role', 'tabpanel');
    panel.el.setAttribute('aria-labelledby', `tab-${panel.id}`);
    panel.el.tabIndex = -1;
  }

  const select = (panel: Panel) => {
    active = panel;
    history.replaceState(null, '', `#${panel.id}`);
    for (const tab of tabs) {
      const selected = tab.id === `tab-${panel.id}`;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    for (const p of panels) p.el.hidden = p !== panel;
    void refreshActive();
  };

  let refreshing: Promise<void> | undefined;
  let again = false;
  const refreshActive = async () => {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = active.refresh().catch((error) => console.warn('refresh failed', error));
    await refreshing;
    refreshing = undefined;
    if (again) {
      again = false;
      await refreshActive();
    }
  };
  // The header's clock runs on between reads: the virtual clock moves with the real one.
  let virtualAt: { now: number; read: number } | undefined;
  const showNow = () => {
    if (!virtualAt) return;
    const ms = virtualAt.now + (Date.now() - virtualAt.read);
    fill(now, `virtual now ${when(new Date(ms - (ms % 1000)).toISOString())}`);
  };
  const refreshClock = async () => {
    const c = await api.get<{ now: string; offset_seconds: number }>('/__sim/clock').catch(() => undefined);
    if (c) virtualAt = { now: Date.parse(c.now), read: Date.now() };
    showNow();
  };

  // Live: any change of the channel refreshes what is on screen (coalesced over 100 ms).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = api.watch(
    (type, data) => {
      if (type === 'ready') fill(channel, String(data.channel));
      if (type === 'product' || type === 'reset') productCache = undefined;
      if (type === 'clock' || type === 'reset') void refreshClock();
      if (type === 'ready') return;
      clearTimeout(timer);
      timer = setTimeout(() => void refreshActive(), 100);
    },
    (on) => {
      fill(live, on ? '● live' : '○ reconnecting…');
      live.className = on ? 'live on' : 'live';
    },
  );
  // Supplier actions fall due on the virtual clock even when nobody calls: reading the clock applies them.
  let ticks = 0;
  const tick = setInterval(() => {
    if (++ticks % 10 === 0) void refreshClock();
    else showNow();
  }, 1_000);

  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'quiet',
      onclick: () => {
        stop();
        clearInterval(tick);
        forgetKeys();
        signInForm();
      },
    },
    'Sign out',
  );

  fill(
    root,
    h(
      'header',
      {},
      h('strong', {}, 'ax-sim console'),
      h('span', {}, 'sandbox of ', channel),
      now,
      live,
      signOut,
    ),
    h('nav', { role: 'tablist', 'aria-label': 'Panels' }, tabs),
    h(
      'main',
      {},
      panels.map((p) => p.el),
    ),
    lastCall,
  );
  void ctx.products().catch(() => undefined);
  void refreshClock();
  select(active);
}

start();
