// Small comforts on the survey form; the form works fully without this script.
(() => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // Choosing an exclusive answer such as "nothing" or "no" clears the others, and back.
  // Typing in "other, namely" ticks "other".
  document.querySelectorAll("input[type=text][name$='-other']").forEach((text) => {
    const box = document.querySelector(`input[type=checkbox][name='${text.name.slice(0, -6)}'][value=other]`);
    if (box) text.addEventListener("input", () => { if (text.value.trim()) box.checked = true; });
  });
})();
