// The interview: the survey's sections one at a time, every answer saved on the device as it is
// given (a crash or an empty battery loses nothing), the same checks as the server before the
// resident leaves, and on finishing the interview and the door's outcome queued as two items.
(() => {
  "use strict";
  const { device, texts, get, put, remove, finishDraft, send, fill } = window.Canvass;
  const form = document.getElementById("interview");
  const sections = [...form.querySelectorAll(".interview-section")];
  const wrappers = new Map([...form.querySelectorAll("[data-question]")].map((el) => [el.dataset.question, el]));
  const rules = device.rules.filter((rule) => wrappers.has(rule.key));
  const rule = Object.fromEntries(rules.map((r) => [r.key, r]));
  const status = document.querySelector("[data-save-status]");
  const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  const PHONE = /^\+?[0-9 ()\-]{6,20}$/;
  let draft = null;
  let current = 0;

  // --- The draft on the device -----------------------------------------------------------------
  async function loadDraft() {
    const id = new URLSearchParams(location.search).get("draft");
    const found = id ? await get("drafts", id) : null;
    if (found && found.round === device.round && found.area === device.area) return found;
    return {
      id: id || crypto.randomUUID(), uuid: crypto.randomUUID(), user: device.user, round: device.round,
      area: device.area, areaName: device.area_name, door: null, doorLabel: null,
      back: new URLSearchParams(location.search).get("back"), fields: {}, section: 0,
      startedAt: new Date().toISOString(),
    };
  }

  let saving = Promise.resolve();
  function save() {
    draft.fields = collect();
    draft.section = current;
    draft.url = location.pathname;
    draft.version = device.version;
    draft.updatedAt = new Date().toISOString();
    const copy = JSON.parse(JSON.stringify(draft));
    saving = saving.then(() => put("drafts", copy)).then(
      () => {
        status.textContent = texts.saved;
        status.classList.remove("is-error");
        form.dataset.savedFields = String(Object.keys(copy.fields).length); // for people and tests alike
      },
      (error) => { status.textContent = `${texts.save_failed} ${error}`; status.classList.add("is-error"); },
    );
    return saving;
  }

  function collect() {
    const fields = {};
    for (const element of form.elements) {
      if (!element.name || !element.name.startsWith("q-")) continue;
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
      const value = element.value.trim();
      if (!value) continue;
      (fields[element.name] = fields[element.name] || []).push(element.value);
    }
    return fields;
  }

  function restore(fields) {
    for (const element of form.elements) {
      if (!element.name || !element.name.startsWith("q-")) continue;
      const values = fields[element.name] || [];
      if (element.type === "checkbox" || element.type === "radio") element.checked = values.includes(element.value);
      else element.value = values[0] || "";
    }
  }

  // --- Answers as the question types read them (see survey/responses/flow.py) -----------------
  function answer(key, fields) {
    const r = rule[key];
    const name = `q-${key}`;
    const first = (fields[name] || [])[0];
    switch (r.type) {
      case "multiple": {
        const options = [...(fields[name] || [])];
        if ((fields[`${name}-other`] || [])[0] && !options.includes("other")) options.push("other");
        return options.length ? options : null;
      }
      case "grid": return fields[name] && fields[name].length ? fields[name] : null;
      case "ranking": {
        const ranked = [];
        for (let place = 1; place <= r.pick; place += 1) {
          const value = (fields[`${name}-${place}`] || [])[0];
          if (value) ranked.push(value);
        }
        return ranked.length ? ranked : null;
      }
      case "consent": return (fields[`${name}-agree`] || [])[0] === "yes" && ageState(r, fields) !== "below" ? ["agree"] : null;
      default: return first ? first.trim() || null : null;
    }
  }

  // Contact details only from residents old enough to consent (see Consent in types.py).
  function ageState(r, fields) {
    const check = r.age_check;
    if (!check) return "ask";
    const age = (fields[`q-${check.question}`] || [])[0];
    if (check.below.includes(age)) return "below";
    if (!age || check.unsure.includes(age)) return "ask";
    return "old_enough";
  }

  function showAgeParts(fields) {
    rules.filter((r) => r.type === "consent").forEach((r) => {
      const state = ageState(r, fields);
      const wrapper = wrappers.get(r.key);
      wrapper.querySelector("[data-age-below]").hidden = state !== "below";
      wrapper.querySelector("[data-age-allowed]").hidden = state === "below";
      wrapper.querySelector("[data-age-ask]").hidden = state !== "ask";
    });
  }

  function visible(key, fields) {
    const clauses = rule[key].show_if;
    if (!clauses) return true;
    return clauses.some((clause) => {
      const value = answer(clause.question, fields);
      if (clause.answered !== undefined) return (value !== null) === clause.answered;
      if (value === null) return false;
      const chosen = Array.isArray(value) ? value : [value];
      return chosen.some((option) => clause.any_of.includes(option));
    });
  }

  // Conditions, the choices a ranking offers, exclusive options: kept right as answers change.
  function applyLogic(changed) {
    if (changed && changed.type === "checkbox" && changed.checked) {
      const key = changed.name.slice(2);
      const exclusive = (rule[key] && rule[key].exclusive) || [];
      form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(changed.name)}"]`).forEach((box) => {
        if (box === changed) return;
        if (exclusive.includes(changed.value) || exclusive.includes(box.value)) box.checked = false;
      });
    }
    if (changed && changed.name && changed.name.endsWith("-other") && changed.value.trim()) {
      const box = form.querySelector(`input[type=checkbox][name="${CSS.escape(changed.name.slice(0, -6))}"][value=other]`);
      if (box) box.checked = true;
    }
    const fields = collect();
    showAgeParts(fields);
    rules.forEach((r) => {
      wrappers.get(r.key).hidden = !visible(r.key, fields);
      if (r.type === "ranking" && r.choices_from) {
        const chosen = answer(r.choices_from, fields) || [];
        wrappers.get(r.key).querySelectorAll("select").forEach((select) => {
          [...select.options].forEach((option) => {
            const off = option.value !== "" && !chosen.includes(option.value);
            option.hidden = off;
            option.disabled = off;
          });
          if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = "";
        });
      }
    });
  }

  // --- Checks, with the resident-facing sentences of the online form --------------------------
  function problemOf(r, fields) {
    const name = `q-${r.key}`;
    const value = answer(r.key, fields);
    if (r.type === "consent") {
      if (ageState(r, fields) === "below") return null;
      for (const [field, kind] of Object.entries(r.fields)) {
        const typed = ((fields[`${name}-${field}`] || [])[0] || "").trim();
        if (typed && kind === "email" && !EMAIL.test(typed)) return ["invalid_email"];
        if (typed && kind === "phone" && !PHONE.test(typed)) return ["invalid_phone"];
      }
      const confirmed = (fields[`${name}-age`] || [])[0];
      if (value && ageState(r, fields) === "ask" && confirmed === "no") return null; // not stored
      if (value && ageState(r, fields) === "ask" && confirmed !== "yes") return ["age_needed", { age: r.age_check ? r.age_check.min_age : 16 }];
      if (value && !Object.entries(r.fields).some(([field, kind]) => kind !== "name" && ((fields[`${name}-${field}`] || [])[0] || "").trim())) {
        return ["contact_needed"];
      }
    }
    if (value === null) return r.required ? ["required"] : null;
    if (r.type === "multiple") {
      if (value.length > 1 && value.some((option) => (r.exclusive || []).includes(option))) return ["exclusive"];
      if (r.max_choices && value.length > r.max_choices) return ["too_many", { max: r.max_choices }];
    }
    if (r.type === "ranking" && new Set(value).size !== value.length) return ["duplicate_rank"];
    if (r.type === "number" || r.type === "scale") {
      if (!/^-?[0-9]{1,9}$/.test(value)) return ["not_a_number"];
      if (Number(value) < r.min || Number(value) > r.max) return ["out_of_range", { min: r.min, max: r.max }];
    }
    return null;
  }

  function check(keys) {
    const fields = collect();
    let first = null;
    keys.forEach((key) => {
      const wrapper = wrappers.get(key);
      const question = wrapper.firstElementChild;
      wrapper.querySelectorAll("[data-client-error]").forEach((element) => element.remove());
      question.classList.remove("has-error");
      if (wrapper.hidden) return;
      const found = problemOf(rule[key], fields);
      if (!found) return;
      const message = document.createElement("p");
      message.className = "error";
      message.dataset.clientError = "";
      message.id = `error-${key}`;
      message.textContent = fill(device.problems[found[0]], found[1] || {});
      const heading = question.querySelector("legend, label.question-text");
      (heading || question.firstChild).after(message);
      question.classList.add("has-error");
      if (!first) first = wrapper;
    });
    return first;
  }

  // --- Sections --------------------------------------------------------------------------------
  const sectionKeys = (index) => rules.filter((r) => r.section === Number(sections[index].dataset.section)).map((r) => r.key);
  const hasVisible = (index) => sectionKeys(index).some((key) => !wrappers.get(key).hidden);

  function neighbour(index, step) {
    let next = index + step;
    while (next >= 0 && next < sections.length && !hasVisible(next)) next += step;
    return next >= 0 && next < sections.length ? next : index;
  }

  // "Next" or "Finish": an answer on this section can make a later one apply (the volunteer's
  // contact details after "yes, I'll help"), so the buttons follow every change.
  function showButtons() {
    const last = neighbour(current, 1) === current;
    form.querySelector("[data-step='-1']").hidden = neighbour(current, -1) === current;
    form.querySelector("[data-step='1']").hidden = last;
    form.querySelector("[data-finish]").hidden = !last;
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(index, sections.length - 1));
    sections.forEach((section, i) => { section.hidden = i !== current; });
    showButtons();
    if (focus) {
      const heading = sections[current].querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
      window.scrollTo(0, 0);
    }
  }

  form.querySelectorAll("[data-step]").forEach((buttonElement) => {
    buttonElement.addEventListener("click", () => {
      const step = Number(buttonElement.dataset.step);
      if (step > 0) {
        const wrong = check(sectionKeys(current));
        if (wrong) { wrong.querySelector("input, select, textarea").focus(); return; }
      }
      show(neighbour(current, step), true);
      save();
    });
  });

  form.addEventListener("input", (event) => { applyLogic(event.target); showButtons(); save(); });
  form.addEventListener("change", (event) => { applyLogic(event.target); showButtons(); save(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden" && draft) save(); });

  // --- Switching the language keeps the interview: its answers are on the device ---------------
  document.querySelectorAll("[data-language]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      await save();
      const url = new URL(link.href);
      url.search = `?draft=${encodeURIComponent(draft.id)}`;
      location.assign(url.href);
    });
  });

  function backUrl() {
    const back = draft && draft.back;
    return back && back.startsWith("/") && !back.startsWith("//") && back.includes("/canvass/") ? back : device.home;
  }

  form.querySelector("[data-discard]").addEventListener("click", async () => {
    if (!window.confirm(texts.discard_confirm)) return;
    await saving;
    await remove("drafts", draft.id);
    location.assign(backUrl());
  });

  // --- Finishing -------------------------------------------------------------------------------
  const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // as the server's receipt codes
  function receiptCode() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    const raw = [...bytes].map((byte) => ALPHABET[byte % 32]).join(""); // 256 = 8 × 32: no bias
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  }

  function localDay(moment) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
  }

  form.querySelector("[data-finish]").addEventListener("click", async () => {
    applyLogic(null);
    const wrong = check(rules.map((r) => r.key));
    if (wrong) {
      show(sections.indexOf(wrong.closest(".interview-section")), false);
      wrong.querySelector("input, select, textarea").focus();
      return;
    }
    await save();
    const fields = collect();
    const shown = new Set(rules.filter((r) => !wrappers.get(r.key).hidden).map((r) => r.key));
    const answers = {};
    Object.entries(fields).forEach(([name, values]) => {
      if (shown.has(name.slice(2).split("-")[0])) answers[name] = values; // question keys have no hyphen
    });
    const now = new Date();
    const receipt = receiptCode();
    const place = draft.doorLabel || device.area_name;
    const items = [{
      uuid: draft.uuid, kind: "interview", user: device.user, state: "waiting", createdAt: now.toISOString(),
      label: `${texts.interview} · ${place}`,
      payload: { type: "interview", uuid: draft.uuid, round: device.round, version: device.version, area: device.area,
        language: device.lang, day: localDay(now), receipt, answers },
    }];
    if (draft.door) {
      const visit = crypto.randomUUID(); // its own id: nothing on the server links it to the answers
      items.push({
        uuid: visit, kind: "visit", user: device.user, door: draft.door, state: "waiting", createdAt: now.toISOString(),
        label: `${draft.doorLabel} · ${device.outcomes.interviewed}`,
        // "interview" lets the server store both or neither; it is not stored with the visit.
        payload: { type: "visit", uuid: visit, round: device.round, door: draft.door, outcome: "interviewed",
          visited_at: now.toISOString(), interview: draft.uuid },
      });
    }
    try {
      await finishDraft(draft.id, items);
    } catch (error) {
      status.textContent = `${texts.save_failed} ${error}`;
      status.classList.add("is-error");
      return;
    }
    draft = null;
    form.hidden = true;
    const done = document.getElementById("interview-done");
    done.querySelector("[data-receipt]").textContent = receipt;
    done.hidden = false;
    done.focus();
    // The code is for this resident only: wiped before the browser keeps the page for "Back".
    window.addEventListener("pagehide", () => { done.querySelector("[data-receipt]").textContent = ""; });
    if (navigator.onLine) send();
  });

  // --- Start -----------------------------------------------------------------------------------
  loadDraft().then((found) => {
    draft = found;
    if (!draft.back) draft.back = new URLSearchParams(location.search).get("back");
    restore(draft.fields || {});
    applyLogic(null);
    document.querySelectorAll("[data-door-label]").forEach((element) => { element.textContent = draft.doorLabel ? `· ${draft.doorLabel}` : ""; });
    document.querySelectorAll("[data-back]").forEach((link) => { link.href = backUrl(); });
    // The address bar names the draft, so that a reload (also offline) continues this interview.
    history.replaceState(null, "", `${location.pathname}?draft=${encodeURIComponent(draft.id)}`);
    show(draft.section || 0, false);
    form.dataset.restored = "true";
  });
})();
