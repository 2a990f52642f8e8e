// Filters the neighbourhood list as the resident types; without JavaScript the search form asks
// the server instead (which also forgives spelling mistakes). The names carry the same search key
// the server makes (survey/areas/names.py): no accents, no case, "ij" as "y", "st." as "sint".
(() => {
  function searchKey(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase()
      .replaceAll("ij", "y").replaceAll("'", "").replace(/[^\p{L}\p{N}]+/gu, " ").trim()
      .replace(/(^| )st( |$)/g, "$1sint$2");
  }

  document.querySelectorAll("input[data-filter]").forEach((input) => {
    const list = document.querySelector(input.dataset.filter);
    const none = input.closest("section").querySelector("[data-none]");
    if (!list) return;
    input.addEventListener("input", () => {
      const query = searchKey(input.value);
      const items = [...list.querySelectorAll("li[data-name]")];
      const hits = items.filter((item) => !query || item.dataset.name.includes(query));
      // Nothing found: say so, and keep the whole list to choose from.
      const shown = hits.length ? hits : items;
      items.forEach((item) => { item.hidden = !shown.includes(item); });
      list.querySelectorAll("[data-district]").forEach((district) => {
        district.hidden = !district.querySelector("li[data-name]:not([hidden])");
      });
      if (none) none.hidden = hits.length > 0 || !query;
    });
  });
})();
