// The attendance matrix saves each change at once: a box ticked or cleared, or "all" and
// "none" for a row or a column. The page keeps its place and focus stays on the control;
// the result is announced in the status line. Without this script the form saves on submit.
(() => {
  const form = document.getElementById("matrix");
  if (!form || !window.fetch || !window.FormData) return;
  const status = document.getElementById("matrix-status");
  const refusals = document.getElementById("matrix-refusals");
  const dirty = new Set(); // rows changed here and not sent yet
  const stored = new Map(); // row id -> ids of the items it attends, as last stored
  let sending = false;

  const boxesOf = (selector) => form.querySelectorAll(`input[type="checkbox"]${selector}`);
  for (const box of boxesOf("[data-row]")) {
    if (!stored.has(box.dataset.row)) stored.set(box.dataset.row, new Set());
    if (box.checked) stored.get(box.dataset.row).add(box.dataset.item);
  }

  const announce = (text) => {
    // The same words twice in a row are announced twice.
    status.textContent = status.textContent === text ? `${text}\u00a0` : text;
  };

  const show = (row, ticked) => {
    for (const box of boxesOf(`[data-row="${CSS.escape(row)}"]`)) {
      box.checked = ticked.has(box.dataset.item);
    }
  };

  const apply = (answer) => {
    for (const row of answer.rows) {
      const id = String(row.id);
      const ticked = new Set(row.attending.map(String));
      stored.set(id, ticked);
      const lock = form.elements[`lock-${id}`];
      if (lock) lock.value = row.lock;
      // A row changed again while this answer was on its way keeps what was ticked since.
      if (!dirty.has(id)) show(id, ticked);
    }
    for (const [item, text] of Object.entries(answer.counts)) {
      const count = document.getElementById(`count-${item}`);
      if (count) count.textContent = text;
    }
    // Server-rendered and escaped there: the refused rows with what others changed.
    refusals.innerHTML = answer.refused;
  };

  const send = async () => {
    if (sending || !dirty.size) return;
    sending = true;
    const rows = [...dirty];
    dirty.clear();
    // Built when sent, so that it carries the lock versions of the previous answer.
    const data = new FormData(form);
    for (const row of rows) data.append("rows", row);
    form.setAttribute("aria-busy", "true");
    status.textContent = "";
    let answer = null;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if ((response.headers.get("Content-Type") || "").includes("application/json")) {
        answer = await response.json();
      }
    } catch (error) {
      answer = null;
    }
    if (answer && answer.rows) {
      apply(answer);
    } else {
      for (const row of rows) if (!dirty.has(row)) show(row, stored.get(row));
    }
    announce((answer && answer.message) || form.dataset.failed);
    sending = false;
    form.removeAttribute("aria-busy");
    send();
  };

  const changed = (rows) => {
    if (!rows.size) {
      announce(form.dataset.unchanged);
      return;
    }
    for (const row of rows) dirty.add(row);
    send();
  };

  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches('input[type="checkbox"][data-row]')) changed(new Set([box.dataset.row]));
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest('button[name="toggle"]');
    if (!button) return;
    event.preventDefault();
    const [kind, target] = button.value.split(":");
    const selector = kind.startsWith("item-") ? "data-item" : "data-row";
    const tick = kind.endsWith("-all");
    const rows = new Set();
    for (const box of boxesOf(`[${selector}="${CSS.escape(target)}"]`)) {
      if (box.disabled || box.checked === tick) continue;
      box.checked = tick;
      rows.add(box.dataset.row);
    }
    changed(rows);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const rows = new Set();
    for (const box of boxesOf("[data-row]:not(:disabled)")) {
      if (box.checked !== stored.get(box.dataset.row).has(box.dataset.item)) {
        rows.add(box.dataset.row);
      }
    }
    changed(rows);
  });

  document.getElementById("matrix-save").hidden = true;
  document.getElementById("matrix-live-hint").hidden = false;
})();
