// The AspireRouter console: spend and routing from the ledger's APIs, refreshed every few seconds. No framework, no
// inline script (the page's Content-Security-Policy forbids it); Chart.js is vendored beside this file.
'use strict';

(() => {
  const KEY = 'aspirerouter.console.key';
  const REFRESH_MS = 5000;
  const MAX_SERIES = 8;
  const PALETTE = ['#3056d3', '#e07a2f', '#1f8a4c', '#9b4dca', '#c53030', '#138d9c', '#b7791f', '#d6589b', '#718096'];
  const RANGES = {
    '24h': { interval: 'hour', from: now => startOf(now, 'hour', 23) },
    '7d': { interval: 'day', from: now => startOf(now, 'day', 6) },
    '30d': { interval: 'day', from: now => startOf(now, 'day', 29) },
  };

  const $ = id => document.getElementById(id);
  let spendChart = null;
  let latencyChart = null;
  let timer = 0;
  let refreshes = 0;

  function startOf(now, unit, back) {
    const d = new Date(now);
    if (unit === 'hour') { d.setUTCMinutes(0, 0, 0); d.setUTCHours(d.getUTCHours() - back); }
    else { d.setUTCHours(0, 0, 0, 0); d.setUTCDate(d.getUTCDate() - back); }
    return d;
  }

  // --- formatting ------------------------------------------------------------------------------------------------
  function usd(value) {
    const digits = Math.abs(value) < 1 && value !== 0 ? 4 : 2;
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(value);
  }
  const pct = value => value == null ? '—' : `${Number(value).toFixed(1)} %`;
  const ms = value => value == null ? '—' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
  function ago(iso) {
    if (!iso) return '—';
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
  }
  function until(iso) {
    if (!iso) return '—';
    const s = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
    return `${s} s left`;
  }
  function bucketLabel(iso, interval) {
    const d = new Date(iso);
    return interval === 'hour'
      ? `${String(d.getUTCHours()).padStart(2, '0')}:00`
      : d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  }

  // --- DOM helpers -----------------------------------------------------------------------------------------------
  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }
  function row(...cells) {
    const tr = document.createElement('tr');
    cells.forEach(c => tr.append(c));
    return tr;
  }
  function fill(tbody, rows, empty, columns) {
    tbody.replaceChildren(...rows);
    if (rows.length === 0) {
      const td = cell(empty, 'muted');
      td.colSpan = columns;
      tbody.append(row(td));
    }
  }
  function swatch(color, text) {
    const td = document.createElement('td');
    const s = document.createElement('span');
    s.className = 'swatch';
    s.style.background = color;
    td.append(s, document.createTextNode(text));
    return td;
  }

  // --- API -------------------------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  async function get(path) {
    const headers = { Accept: 'application/json' };
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try { message = (await response.json()).error.message; } catch { /* not the error shape */ }
      throw new ApiError(response.status, message);
    }
    return response.json();
  }

  // --- sections --------------------------------------------------------------------------------------------------
  function renderSpend(series, groupBy) {
    const top = series.series.slice(0, MAX_SERIES);
    const rest = series.series.slice(MAX_SERIES);
    const lines = rest.length === 0 ? top : [...top, {
      key: `other (${rest.length})`,
      totalUsd: rest.reduce((a, l) => a + l.totalUsd, 0),
      costUsd: series.buckets.map((_, i) => rest.reduce((a, l) => a + l.costUsd[i], 0)),
    }];
    const total = lines.reduce((a, l) => a + l.totalUsd, 0);
    const labels = series.buckets.map(b => bucketLabel(b, series.interval));
    const datasets = lines.map((l, i) => ({ label: l.key, data: l.costUsd, backgroundColor: PALETTE[i % PALETTE.length], stack: 'spend' }));

    if (!spendChart) {
      spendChart = new Chart($('spend-chart'), {
        type: 'bar',
        data: { labels, datasets },
        options: {
          animation: false, maintainAspectRatio: false, responsive: true,
          scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, beginAtZero: true, ticks: { callback: v => usd(v) } } },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } }, tooltip: { callbacks: { label: c => `${c.dataset.label}: ${usd(c.parsed.y)}` } } },
        },
      });
    } else {
      spendChart.data.labels = labels;
      spendChart.data.datasets = datasets;
      spendChart.update();
    }

    $('spend-total').textContent = `${usd(total)} in range`;
    $('spend-key-header').textContent = groupBy;
    fill($('spend-table').tBodies[0], lines.map((l, i) => row(
      swatch(PALETTE[i % PALETTE.length], l.key),
      cell(usd(l.totalUsd), 'num'),
      cell(total > 0 ? pct(l.totalUsd / total * 100) : '—', 'num'))), 'No spend in this range yet.', 3);
  }

  function renderSavings(savings) {
    $('savings-actual').textContent = usd(savings.actualCostUsd);
    $('savings-baseline').textContent = usd(savings.baselineCostUsd);
    $('savings-saved').textContent = `${usd(savings.savingUsd)}${savings.savingPercent == null ? '' : ` (${pct(savings.savingPercent)})`}`;
    fill($('savings-table').tBodies[0], savings.categories.map(c => {
      const category = cell(c.category);
      if (c.baselineModel) {
        const model = document.createElement('small');
        model.className = 'muted';
        model.textContent = ` vs ${c.baselineModel}`;
        category.append(model);
      }
      return row(category, cell(usd(c.actualCostUsd), 'num'), cell(usd(c.baselineCostUsd), 'num'), cell(pct(c.savingPercent), 'num good'));
    }),
    'No requests in this range yet.', 4);
  }

  function meter(period) {
    const line = document.createElement('div');
    line.className = 'period';
    const name = document.createElement('span');
    name.textContent = period.period;
    const bar = document.createElement('div');
    bar.className = 'meter';
    const figure = document.createElement('span');
    figure.className = 'num';
    if (period.limitUsd == null) {
      bar.classList.add('none');
      figure.textContent = `${usd(period.spentUsd)} · no limit`;
    } else {
      const percent = period.percent ?? 0;
      const fillBar = document.createElement('div');
      fillBar.className = `fill${percent >= 100 ? ' bad' : period.crossedThresholds.length > 0 ? ' warn' : ''}`;
      fillBar.style.width = `${Math.min(100, percent)}%`;
      bar.append(fillBar);
      for (const threshold of period.thresholds) {
        const tick = document.createElement('span');
        tick.className = 'tick';
        tick.title = `${threshold} %${period.crossedThresholds.includes(threshold) ? ' (crossed)' : ''}`;
        tick.style.left = `${Math.min(99.5, threshold)}%`;
        bar.append(tick);
      }
      figure.textContent = `${usd(period.spentUsd)} / ${usd(period.limitUsd)} · ${pct(percent)}`;
    }
    line.append(name, bar, figure);
    return line;
  }

  function renderBudgets(budgets) {
    const list = $('budget-list');
    if (budgets.teams.length === 0) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'No team budgets configured (Budgets:Teams).';
      list.replaceChildren(p);
      return;
    }
    list.replaceChildren(...budgets.teams.map(t => {
      const block = document.createElement('div');
      block.className = 'budget';
      block.dataset.team = t.team;
      const title = document.createElement('h3');
      const thresholds = t.daily.thresholds.length ? ` · alerts at ${t.daily.thresholds.join(', ')} %` : '';
      title.textContent = `${t.team}${thresholds}`;
      block.append(title, meter(t.daily), meter(t.monthly));
      return block;
    }));
  }

  function renderKeys(spend) {
    fill($('keys-table').tBodies[0], spend.groups.slice(0, 10).map(g => row(
      cell(g.key === '(none)' ? '(no key)' : g.key, 'key'), cell(String(g.requests), 'num'), cell(usd(g.costUsd), 'num'))),
    'No requests in this range yet.', 3);
  }

  function renderRouting(routing) {
    const [h, m, sec] = routing.window.split(':').map(Number);
    const windowSeconds = h * 3600 + m * 60 + sec;
    $('routing-window').textContent = `latency window ${windowSeconds % 60 === 0 ? `${windowSeconds / 60} min` : `${windowSeconds} s`} · as of ${new Date(routing.at).toISOString().slice(11, 19)} UTC`;
    fill($('routing-table').tBodies[0], routing.models.map(m => {
      const state = document.createElement('td');
      const badge = document.createElement('span');
      badge.className = `state ${m.breaker}`;
      badge.textContent = m.breaker.replace('_', ' ');
      if (m.openUntil) badge.title = `open until ${m.openUntil}`;
      state.append(badge);
      return row(cell(m.model), cell(m.region), cell(ms(m.p50Ms), 'num'), cell(ms(m.p95Ms), 'num'), cell(ms(m.p99Ms), 'num'),
        cell(String(m.samples), 'num'), cell(pct(m.errorRate * 100), 'num'), state, cell(until(m.coolingUntil)), cell(ago(m.lastProbe)));
    }), 'No models in the registry.', 10);

    const measured = routing.models.filter(m => m.p50Ms != null);
    const labels = measured.map(m => `${m.model} · ${m.region}`);
    const datasets = [
      { label: 'p50', data: measured.map(m => m.p50Ms), backgroundColor: '#9fb4ee' },
      { label: 'p95', data: measured.map(m => m.p95Ms), backgroundColor: '#3056d3' },
      { label: 'p99', data: measured.map(m => m.p99Ms), backgroundColor: '#1b2f7a' },
    ];
    $('latency-chart').parentElement.style.height = `${Math.max(200, 60 + measured.length * 34)}px`;
    if (!latencyChart) {
      latencyChart = new Chart($('latency-chart'), {
        type: 'bar',
        data: { labels, datasets },
        options: {
          indexAxis: 'y', animation: false, maintainAspectRatio: false, responsive: true,
          scales: { x: { beginAtZero: true, ticks: { callback: v => ms(v) } }, y: { grid: { display: false } } },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } }, tooltip: { callbacks: { label: c => `${c.dataset.label}: ${ms(c.parsed.x)}` } } },
        },
      });
    } else {
      latencyChart.data.labels = labels;
      latencyChart.data.datasets = datasets;
      latencyChart.update();
    }
  }

  // --- flow ------------------------------------------------------------------------------------------------------
  async function refresh() {
    clearTimeout(timer);
    if (document.hidden) {
      timer = setTimeout(refresh, REFRESH_MS);
      return;
    }
    const range = RANGES[$('range').value];
    const groupBy = $('group').value;
    const from = range.from(Date.now()).toISOString();
    try {
      const [series, keys, savings, budgets, routing] = await Promise.all([
        get(`/v1/spend/series?groupBy=${groupBy}&interval=${range.interval}&from=${encodeURIComponent(from)}`),
        get(`/v1/spend?groupBy=key&from=${encodeURIComponent(from)}`),
        get(`/v1/spend/savings?from=${encodeURIComponent(from)}`),
        get('/v1/budgets'),
        get('/v1/routing'),
      ]);
      renderSpend(series, groupBy);
      renderKeys(keys);
      renderSavings(savings);
      renderBudgets(budgets);
      renderRouting(routing);
      refreshes += 1;
      document.body.dataset.refreshes = String(refreshes);
      $('status').className = 'status';
      $('status').textContent = `Updated ${new Date().toISOString().slice(11, 19)} UTC`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        signIn(error.message);
        return;
      }
      $('status').className = 'status error';
      $('status').textContent = `Could not refresh: ${error.message}. Retrying…`;
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  function signIn(message) {
    clearTimeout(timer);
    sessionStorage.removeItem(KEY);
    $('console').hidden = true;
    $('key-button').hidden = true;
    $('scope').textContent = 'signed out';
    $('sign-in').hidden = false;
    $('sign-in-message').textContent = message ?? '';
    $('key').focus();
  }

  async function start() {
    let session;
    try {
      session = await get('/console/session');
    } catch (error) {
      $('sign-in').hidden = false;
      $('sign-in-message').textContent = `The ledger does not answer: ${error.message}`;
      return;
    }
    const hadKey = sessionStorage.getItem(KEY) !== null;
    if (!session.signedIn) {
      signIn(hadKey ? session.message : '');
      return;
    }
    $('sign-in').hidden = true;
    $('console').hidden = false;
    // With a key: forget it. Without one (anonymous reports, local development): offer to use one, e.g. a team's.
    $('key-button').hidden = false;
    $('key-button').textContent = hadKey ? 'Forget key' : 'Use a key…';
    $('scope').textContent = session.allTeams ? (hadKey ? 'all teams (admin)' : 'all teams (no key: local development)') : `team ${session.team}`;
    $('group').querySelector('option[value="team"]').disabled = !session.allTeams;
    if (!session.allTeams && $('group').value === 'team') $('group').value = 'model';
    await refresh();
  }

  $('sign-in-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    start();
  });
  $('key-button').addEventListener('click', () => {
    if (sessionStorage.getItem(KEY) === null) {
      $('sign-in').hidden = false;
      $('sign-in-message').textContent = '';
      $('key').focus();
      return;
    }
    sessionStorage.removeItem(KEY);
    start();
  });
  $('range').addEventListener('change', refresh);
  $('group').addEventListener('change', refresh);
  document.addEventListener('visibilitychange', () => { if (!document.hidden && !$('console').hidden) refresh(); });
  start();
})();
