// A street of the walk list: record each door's outcome on the device, show what was recorded
// here since the page was made, and start (or continue) an interview at a door.
(() => {
  "use strict";
  const { device, texts, getAll, put, send, refresh } = window.Canvass;
  const dialog = document.getElementById("outcome-dialog");
  const form = document.getElementById("outcome-form");
  const doors = new Map([...document.querySelectorAll("li.door")].map((li) => [Number(li.dataset.door), li]));
  let current = null; // the door being recorded

  // What this device recorded after the server made the page wins over what the page says.
  function showLocalOutcomes(queue, confirmed) {
    const latest = new Map();
    const consider = (entry, waiting) => {
      const door = Number(entry.door);
      if (!doors.has(door) || entry.kind !== "visit") return;
      const recorded = entry.createdAt || entry.recorded;
      if (!recorded || (!waiting && recorded < device.issued)) return; // the page knows older ones
      const known = latest.get(door);
      if (!known || known.recorded < recorded) {
        latest.set(door, { recorded, waiting, outcome: waiting ? entry.payload.outcome : entry.outcome,
          come_back_at: waiting ? entry.payload.come_back_at : entry.come_back_at,
          language: waiting ? entry.payload.language : entry.language });
      }
    };
    confirmed.forEach((entry) => consider(entry, false));
    queue.forEach((entry) => consider(entry, true));
    latest.forEach((visit, door) => {
      const cell = doors.get(door).querySelector("[data-outcome]");
      const badge = document.createElement("span");
      badge.className = `outcome outcome-${visit.outcome}`;
      badge.textContent = device.outcomes[visit.outcome] || visit.outcome;
      const parts = [badge];
      if (visit.come_back_at) parts.push(` · ${new Intl.DateTimeFormat(device.lang, { dateStyle: "short", timeStyle: "short" }).format(new Date(visit.come_back_at))}`);
      if (visit.language) parts.push(` · ${languageName(visit.language)}`);
      if (visit.waiting) {
        const note = document.createElement("small");
        note.className = "local-note";
        note.textContent = ` (${texts.local})`;
        parts.push(note);
      }
      cell.replaceChildren(...parts);
      cell.dataset.local = visit.waiting ? "waiting" : "confirmed";
    });
  }

  function languageName(code) {
    const option = form.querySelector(`#barrier-language option[value="${CSS.escape(code)}"]`);
    return option ? option.textContent : code;
  }

  async function markDraftDoors() {
    const drafts = (await getAll("drafts")).filter((draft) => draft.user === device.user && draft.door);
    drafts.forEach((draft) => {
      const li = doors.get(Number(draft.door));
      if (!li) return;
      const link = li.querySelector("[data-interview]");
      link.textContent = texts.resume;
      link.dataset.draft = draft.id;
    });
  }

  document.addEventListener("canvass:refreshed", (event) => showLocalOutcomes(event.detail.queue, event.detail.confirmed));
  markDraftDoors();

  // --- Starting an interview at a door ---------------------------------------------------------
  document.querySelectorAll("[data-interview]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const li = link.closest("li.door");
      const url = new URL(link.href);
      let id = link.dataset.draft;
      if (!id) {
        id = crypto.randomUUID();
        await put("drafts", {
          id, uuid: crypto.randomUUID(), user: device.user, round: device.round, area: device.area,
          areaName: device.area_name, door: Number(li.dataset.door), doorLabel: li.dataset.label,
          back: location.pathname, url: url.pathname, fields: {}, section: 0, startedAt: new Date().toISOString(),
        });
      }
      url.search = `?draft=${encodeURIComponent(id)}`;
      location.assign(url.href);
    });
  });

  // --- Recording an outcome --------------------------------------------------------------------
  function chosenOutcome() {
    const checked = form.querySelector("input[name=outcome]:checked");
    return checked ? checked.value : "";
  }

  function showDetails() {
    const outcome = chosenOutcome();
    form.querySelectorAll("[data-when]").forEach((box) => { box.hidden = box.dataset.when !== outcome; });
    const other = form.elements.language.value === "other";
    form.querySelectorAll("[data-other-language]").forEach((element) => { element.hidden = !other; });
  }

  function problem(message) {
    const box = form.querySelector("[data-error]");
    box.textContent = message || "";
    box.hidden = !message;
  }

  document.querySelectorAll("[data-record]").forEach((buttonElement) => {
    buttonElement.addEventListener("click", () => {
      current = buttonElement.closest("li.door");
      form.reset();
      problem("");
      showDetails();
      dialog.querySelector("[data-door-label]").textContent = current.dataset.label;
      dialog.showModal();
      form.querySelector("input[name=outcome]").focus();
    });
  });
  form.addEventListener("change", showDetails);
  form.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const outcome = chosenOutcome();
    if (!outcome) { problem(texts.pick_outcome); return; }
    const payload = { type: "visit", uuid: crypto.randomUUID(), round: device.round, door: Number(current.dataset.door),
      outcome, visited_at: new Date().toISOString() };
    if (outcome === "come_back") {
      if (!form.elements.come_back_at.value) { problem(texts.need_time); return; }
      payload.come_back_at = form.elements.come_back_at.value;
    }
    if (outcome === "language_barrier") {
      const chosen = form.elements.language.value;
      const language = chosen === "other" ? form.elements.language_other.value.trim() : chosen;
      if (!language) { problem(texts.need_language); return; }
      payload.language = language;
    }
    try {
      await put("queue", { uuid: payload.uuid, kind: "visit", user: device.user, door: payload.door, state: "waiting",
        label: `${current.dataset.label} · ${device.outcomes[outcome]}`, createdAt: payload.visited_at, payload });
    } catch (error) {
      problem(`${texts.save_failed} ${error}`);
      return;
    }
    dialog.close();
    current.querySelector("[data-record]").focus();
    await refresh();
    if (navigator.onLine) send();
  });
})();
