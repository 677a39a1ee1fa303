// The seating editor: swap the people of two seats with the mouse (drag a seat onto
// another) or the keyboard ("Move" button, arrow keys, Enter, Escape). The server checks
// every swap against the plan's lock version; its answer is shown here. Without this
// script the form with a choice per seat does the same.
(() => {
  "use strict";

  const form = document.getElementById("seating");
  if (!form || !form.dataset.swapUrl) return;

  const seats = Array.from(form.querySelectorAll(".seat"));
  const live = document.getElementById("seating-live");
  const feedback = document.getElementById("seating-feedback");

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));

  const announce = (text) => {
    live.textContent = "";
    // A fresh text node, so that the same words are announced again.
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  };

  const describe = (seat) =>
    seat.dataset.person ? `${seat.dataset.seatName} (${seat.dataset.person})` : seat.dataset.seatName;

  const fail = (message) => {
    document.getElementById("seating-feedback-message").textContent =
      message || form.dataset.msgFailed;
    feedback.hidden = false;
    feedback.focus();
  };

  let saving = false;

  const swap = async (from, to) => {
    if (saving || from === to) return;
    saving = true;
    announce(form.dataset.msgSaving);
    const body = new URLSearchParams({
      csrf_token: form.dataset.csrf,
      lock_version: form.dataset.lock,
      first: from.dataset.seat,
      second: to.dataset.seat,
    });
    let answer = null;
    try {
      const response = await fetch(form.dataset.swapUrl, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
    } catch {
      answer = null;
    }
    saving = false;
    if (answer && answer.saved) {
      announce(answer.message);
      const target = new URL(answer.location, location.href);
      history.replaceState(null, "", target.href);
      location.reload();
      return;
    }
    fail(answer && answer.message);
  };

  // --- keyboard ---------------------------------------------------------------------

  let move = null; // {seat, target}

  const mark = (target) => {
    if (move.target) move.target.classList.remove("seat-target");
    move.target = target;
    target.classList.add("seat-target");
    announce(fill(form.dataset.msgTarget, { seat: describe(target) }));
  };

  const stop = (quietly) => {
    if (!move) return;
    move.seat.classList.remove("seat-moving");
    if (move.target) move.target.classList.remove("seat-target");
    move.seat.querySelector(".seat-move").setAttribute("aria-pressed", "false");
    move = null;
    if (!quietly) announce(form.dataset.msgCancelled);
  };

  for (const button of form.querySelectorAll(".seat-move")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const seat = button.closest(".seat");
      if (move && move.seat === seat) {
        if (move.target !== seat) swap(seat, move.target);
        else stop(false);
        return;
      }
      stop(true);
      move = { seat, target: null };
      seat.classList.add("seat-moving");
      button.setAttribute("aria-pressed", "true");
      move.target = seat;
      announce(fill(form.dataset.msgMoving, { name: seat.dataset.person, seat: seat.dataset.seatName }));
    });
    button.addEventListener("keydown", (event) => {
      if (!move || move.seat !== button.closest(".seat")) return;
      const index = seats.indexOf(move.target);
      const steps = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 };
      if (event.key in steps) {
        event.preventDefault();
        const next = Math.min(Math.max(index + steps[event.key], 0), seats.length - 1);
        mark(seats[next]);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (move.target !== move.seat) swap(move.seat, move.target);
        else stop(false);
      } else if (event.key === "Escape") {
        event.preventDefault();
        stop(false);
      }
    });
    // Leaving the "Move" button (Tab, a click elsewhere) calls the move off.
    button.addEventListener("blur", () => {
      if (move && !saving) stop(false);
    });
  }

  // --- mouse: drag a taken seat onto another ----------------------------------------

  let dragged = null;

  for (const seat of seats) {
    if (seat.dataset.person) seat.draggable = true;
    seat.addEventListener("dragstart", (event) => {
      if (event.target.closest("select")) return;
      dragged = seat;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", seat.dataset.seat);
      seat.classList.add("seat-moving");
    });
    seat.addEventListener("dragend", () => {
      seat.classList.remove("seat-moving");
      dragged = null;
    });
    seat.addEventListener("dragover", (event) => {
      if (!dragged || dragged === seat) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      seat.classList.add("seat-target");
    });
    seat.addEventListener("dragleave", () => seat.classList.remove("seat-target"));
    seat.addEventListener("drop", (event) => {
      event.preventDefault();
      seat.classList.remove("seat-target");
      if (dragged && dragged !== seat) swap(dragged, seat);
    });
  }
})();
