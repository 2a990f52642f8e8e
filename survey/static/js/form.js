// Small comforts on the survey form; the form works fully without this script.
(() => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  const form = document.querySelector("form.survey");
  if (!form) return;
  // Typing in "other, namely" ticks "other".
  document.querySelectorAll("input[type=text][name$='-other']").forEach((text) => {
    const box = document.querySelector(`input[type=checkbox][name='${text.name.slice(0, -6)}'][value=other]`);
    if (box) text.addEventListener("input", () => { if (text.value.trim()) box.checked = true; });
  });

  // "Send" or "Next": an answer on this page can make a later page apply (the volunteer's contact
  // details after "yes, I'll help"). The conditions of every later question come from the server.
  const actions = form.querySelector("[data-later-if]");
  if (!actions) return;
  const later = JSON.parse(actions.dataset.laterIf);
  const send = actions.querySelector("button[value=submit]");
  const next = actions.querySelector("button[value=next]");
  const defaultAction = form.querySelector("[data-default-action]");

  function values(key) {
    const chosen = [];
    form.querySelectorAll(`[name="q-${CSS.escape(key)}"], [name^="q-${CSS.escape(key)}-"]`).forEach((field) => {
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      if (field.name.endsWith("-other") && field.value.trim()) chosen.push("other");
      else if (field.value.trim()) chosen.push(field.value);
    });
    return chosen;
  }

  function holds(clause) {
    const chosen = values(clause.question);
    if (clause.answered !== undefined) return (chosen.length > 0) === clause.answered;
    return chosen.some((value) => clause.any_of.includes(value));
  }

  function update() {
    const more = later.some((conditions) => conditions.length === 0 || conditions.some(holds));
    next.hidden = !more;
    send.hidden = more;
    if (defaultAction) defaultAction.value = more ? "next" : "submit";
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
