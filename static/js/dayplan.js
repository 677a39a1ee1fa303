// The day plan: place the blocks on the time grid, and let planners move an item to
// another time or room with the mouse (drag and drop) or the keyboard ("Move" button,
// arrow keys, Enter, Escape). The server checks every move; its answer is shown here.
(() => {
  "use strict";

  const plan = document.getElementById("dayplan");
  if (!plan) return;

  const rows = Number(plan.dataset.rows);
  const rowMinutes = Number(plan.dataset.rowMinutes);
  const editable = plan.dataset.editable === "1";
  const live = document.getElementById("dp-live");
  const columns = Array.from(plan.querySelectorAll(".dp-column"));
  const feedback = document.getElementById("dp-feedback");

  // --- laying out -------------------------------------------------------------------

  const place = (block) => {
    const row = Number(block.dataset.row);
    const span = Number(block.dataset.rows);
    block.style.gridRow = `${row + 1} / span ${span}`;
    block.style.gridColumn = block.classList.contains("dp-moving")
      ? "1 / -1"
      : String(Number(block.dataset.lane) + 1);
  };

  const layOut = () => {
    plan.classList.add("dp-timed");
    if (editable) plan.classList.add("dp-editable");
    for (const list of plan.querySelectorAll(".dp-items, .dp-hours")) {
      list.style.gridTemplateRows = `repeat(${rows}, var(--dp-row))`;
    }
    for (const list of plan.querySelectorAll(".dp-items")) {
      const lanes = Number(list.dataset.lanes) || 1;
      list.style.gridTemplateColumns = `repeat(${lanes}, minmax(0, 1fr))`;
      list.closest(".dp-column").style.minWidth = `${Math.max(11, lanes * 8)}rem`;
    }
    for (const hour of plan.querySelectorAll(".dp-hours li")) {
      hour.style.gridRow = `${Number(hour.dataset.row) + 1} / span ${60 / rowMinutes}`;
    }
    for (const block of plan.querySelectorAll(".dp-item")) {
      place(block);
      const parts = [
        [".dp-setup", block.dataset.setup],
        [".dp-main", block.dataset.minutes],
        [".dp-teardown", block.dataset.teardown],
      ];
      for (const [selector, minutes] of parts) {
        const part = block.querySelector(`:scope > ${selector}`);
        if (part) part.style.flexGrow = String(Math.max(Number(minutes) || 0, 1));
      }
    }
  };

  layOut();

  const focusTarget = () => {
    const block = location.hash && document.getElementById(location.hash.slice(1));
    if (!block || !plan.contains(block)) return;
    const target = block.querySelector(".dp-move") || block.querySelector("a");
    if (target) target.focus();
  };
  // The browser's own jump to the fragment moves the focus too: come after it.
  if (document.readyState === "complete") window.setTimeout(focusTarget, 0);
  else window.addEventListener("load", () => window.setTimeout(focusTarget, 0));

  if (!editable) return;

  // --- wall-clock arithmetic on "YYYY-MM-DDTHH:MM" without any zone -----------------

  const parse = (text) => {
    const [day, clock] = text.split("T");
    const [year, month, date] = day.split("-").map(Number);
    const [hours, minutes] = clock.split(":").map(Number);
    return Date.UTC(year, month - 1, date, hours, minutes);
  };
  const two = (n) => String(n).padStart(2, "0");
  const format = (stamp) => {
    const d = new Date(stamp);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(
      d.getUTCHours(),
    )}:${two(d.getUTCMinutes())}`;
  };
  const clock = (stamp) => format(stamp).slice(11);
  const MINUTE = 60000;

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));

  const announce = (text) => {
    live.textContent = "";
    // A fresh text node, so that the same words are announced again.
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  };

  // --- one move at a time -------------------------------------------------------------

  let move = null; // {block, row, lane, delta, home, columnIndex, timeText}
  let lastBlock = null; // where the focus goes back to once a message is closed
  let relocating = false; // a block changing columns loses the focus for a moment

  const columnOf = (block) => columns.indexOf(block.closest(".dp-column"));

  const describe = () => {
    const start = parse(move.block.dataset.start) + move.delta * MINUTE;
    const end = start + Number(move.block.dataset.minutes) * MINUTE;
    const column = columns[move.columnIndex];
    return {
      title: move.block.dataset.title,
      time: `${clock(start)}–${clock(end)}`,
      room: column.dataset.name,
      start: format(start),
    };
  };

  const show = () => {
    const block = move.block;
    const span = Number(block.dataset.rows);
    const row = Math.min(Math.max(move.row + move.delta / rowMinutes, 0), Math.max(rows - span, 0));
    move.delta = (row - move.row) * rowMinutes;
    block.dataset.row = String(row);
    const list = columns[move.columnIndex].querySelector(".dp-items");
    if (block.parentElement !== list) {
      const focused = document.activeElement;
      relocating = true;
      list.appendChild(block);
      if (focused && block.contains(focused)) focused.focus();
      relocating = false;
    }
    place(block);
    const where = describe();
    const time = block.querySelector(".dp-time");
    if (time) time.textContent = where.time;
    return where;
  };

  const begin = (block) => {
    if (move) finish(false);
    hideFeedback();
    move = {
      block,
      row: Number(block.dataset.row),
      lane: block.dataset.lane,
      delta: 0,
      home: columnOf(block),
      columnIndex: columnOf(block),
      timeText: (block.querySelector(".dp-time") || {}).textContent,
    };
    block.classList.add("dp-moving");
    const button = block.querySelector(".dp-move");
    if (button) button.setAttribute("aria-pressed", "true");
    place(block);
  };

  // End the move; without ``keep`` the block goes back to where it was.
  const finish = (keep) => {
    if (!move) return;
    const { block } = move;
    if (!keep) {
      move.delta = 0;
      move.columnIndex = move.home;
      show();
      const time = block.querySelector(".dp-time");
      if (time && move.timeText) time.textContent = move.timeText;
    }
    block.classList.remove("dp-moving");
    block.dataset.lane = move.lane;
    place(block);
    const button = block.querySelector(".dp-move");
    if (button) button.setAttribute("aria-pressed", "false");
    lastBlock = block;
    move = null;
  };

  // --- what the server says -----------------------------------------------------------

  const hideFeedback = () => {
    if (feedback) feedback.hidden = true;
  };

  const showFeedback = (message, warnings, canConfirm, stale) => {
    document.getElementById("dp-feedback-message").textContent = message;
    const list = document.getElementById("dp-feedback-warnings");
    list.replaceChildren(
      ...warnings.map((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        return item;
      }),
    );
    document.getElementById("dp-confirm").hidden = !canConfirm;
    const dismiss = document.getElementById("dp-dismiss");
    dismiss.textContent = canConfirm ? dismiss.dataset.cancel : dismiss.dataset.close;
    document.getElementById("dp-reload").hidden = !stale;
    feedback.hidden = false;
    (canConfirm ? document.getElementById("dp-confirm") : document.getElementById("dp-dismiss")).focus();
  };

  const reloadAt = (address) => {
    const target = new URL(address, location.href);
    if (target.pathname + target.search === location.pathname + location.search) {
      history.replaceState(null, "", target.href);
      location.reload();
    } else {
      location.assign(target.href);
    }
  };

  let pending = null; // the move waiting for the planner's confirmation
  let saving = false;

  const save = async (confirmed) => {
    if (!move || saving) return;
    const where = describe();
    if (move.delta === 0 && move.columnIndex === move.home) {
      finish(false);
      announce(plan.dataset.msgCancelled);
      return;
    }
    const block = move.block;
    const body = new URLSearchParams({
      csrf_token: plan.dataset.csrf,
      lock_version: block.dataset.lock,
      start: where.start,
      room: columns[move.columnIndex].dataset.room,
      rooms: plan.dataset.rooms,
    });
    if (confirmed) body.set("confirm_conflicts", "1");
    announce(plan.dataset.msgSaving);
    saving = true;
    let answer = null;
    try {
      const response = await fetch(block.dataset.moveUrl, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
      if (answer) answer.status = response.status;
    } catch {
      answer = null;
    }
    saving = false;
    pending = null;
    if (answer && answer.saved) {
      announce(answer.message);
      reloadAt(answer.location);
      return;
    }
    if (answer && answer.needs_confirmation) {
      pending = move;
      showFeedback(answer.message, answer.warnings || [], true, false);
      return;
    }
    finish(false);
    showFeedback(
      (answer && answer.message) || plan.dataset.msgFailed,
      [],
      false,
      Boolean(answer && answer.status === 409),
    );
  };

  if (feedback) {
    feedback.addEventListener("keydown", (event) => {
      if (event.key === "Escape") document.getElementById("dp-dismiss").click();
    });
    document.getElementById("dp-confirm").addEventListener("click", () => {
      if (pending && pending === move) save(true);
    });
    document.getElementById("dp-dismiss").addEventListener("click", () => {
      const block = move ? move.block : lastBlock;
      pending = null;
      finish(false);
      hideFeedback();
      announce(plan.dataset.msgCancelled);
      const button = block && block.querySelector(".dp-move");
      if (button) button.focus();
    });
  }

  // --- keyboard -----------------------------------------------------------------------

  plan.addEventListener("click", (event) => {
    const button = event.target.closest(".dp-move");
    if (!button) return;
    const block = button.closest(".dp-item");
    if (move && move.block === block) {
      save(false);
      return;
    }
    begin(block);
    announce(fill(plan.dataset.msgMoving, describe()));
  });

  plan.addEventListener("keydown", (event) => {
    if (!move || !event.target.closest(".dp-move") || pending) return;
    const step = event.shiftKey ? 5 : 15;
    const moves = {
      ArrowUp: () => (move.delta -= step),
      ArrowDown: () => (move.delta += step),
      ArrowLeft: () => (move.columnIndex = Math.max(move.columnIndex - 1, 0)),
      ArrowRight: () => (move.columnIndex = Math.min(move.columnIndex + 1, columns.length - 1)),
    };
    if (event.key in moves) {
      event.preventDefault();
      moves[event.key]();
      announce(fill(plan.dataset.msgPosition, show()));
    } else if (event.key === "Enter") {
      event.preventDefault();
      save(false);
    } else if (event.key === "Escape") {
      event.preventDefault();
      finish(false);
      announce(plan.dataset.msgCancelled);
    }
  });

  // Leaving the "Move" button (Tab, a click elsewhere) calls the move off.
  plan.addEventListener("focusout", (event) => {
    if (!move || relocating || pending || saving || press) return;
    if (event.target !== move.block.querySelector(".dp-move")) return;
    finish(false);
    announce(plan.dataset.msgCancelled);
  });

  // --- mouse (and a finger on the "Move" button) -------------------------------------

  // Links and text would otherwise start the browser's own drag and drop.
  plan.addEventListener("dragstart", (event) => event.preventDefault());

  let press = null; // {block, x, y, offset, dragging, pointerId}
  let swallowClick = false;

  plan.addEventListener("pointerdown", (event) => {
    const block = event.target.closest(".dp-item");
    if (!block || !block.dataset.moveUrl || !block.querySelector(".dp-move") || pending) return;
    if (event.pointerType === "touch" && !event.target.closest(".dp-move")) return;
    if (event.button !== 0) return;
    const top = block.getBoundingClientRect().top;
    press = { block, x: event.clientX, y: event.clientY, offset: event.clientY - top, dragging: false };
  });

  window.addEventListener("pointermove", (event) => {
    if (!press) return;
    if (!press.dragging) {
      if (Math.hypot(event.clientX - press.x, event.clientY - press.y) < 5) return;
      press.dragging = true;
      begin(press.block);
    }
    event.preventDefault();
    let index = columns.findIndex((column) => {
      const box = column.getBoundingClientRect();
      return event.clientX >= box.left && event.clientX < box.right;
    });
    if (index < 0) index = move.columnIndex;
    const list = columns[index].querySelector(".dp-items");
    const box = list.getBoundingClientRect();
    const rowHeight = box.height / rows;
    const row = Math.round((event.clientY - press.offset - box.top) / rowHeight);
    move.columnIndex = index;
    move.delta = (row - move.row) * rowMinutes;
    show();
  });

  window.addEventListener("pointerup", () => {
    if (!press) return;
    const { dragging } = press;
    press = null;
    if (!dragging) return;
    swallowClick = true;
    window.setTimeout(() => {
      swallowClick = false;
    }, 0);
    save(false);
  });

  // The click that ends a drag opens no link and presses no button.
  plan.addEventListener(
    "click",
    (event) => {
      if (swallowClick) {
        event.preventDefault();
        event.stopImmediatePropagation();
        swallowClick = false;
      }
    },
    true,
  );
})();
