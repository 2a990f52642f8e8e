// The receipt code is shown once. When the page is left, it is wiped before the browser keeps a
// copy for "Back" (the back/forward cache), so the next person on a shared device cannot see it.
(() => {
  const receipt = document.querySelector("[data-receipt]");
  if (!receipt) return;
  window.addEventListener("pagehide", () => { receipt.remove(); });
  window.addEventListener("pageshow", (event) => { if (event.persisted) receipt.remove(); });
})();
