// Filters the neighbourhood list as the resident types; without JavaScript the search form
// asks the server instead.
document.querySelectorAll("input[data-filter]").forEach((input) => {
  const list = document.querySelector(input.dataset.filter);
  if (!list) return;
  input.addEventListener("input", () => {
    const query = input.value.trim().toLocaleLowerCase();
    list.querySelectorAll("[data-district]").forEach((district) => {
      let shown = 0;
      district.querySelectorAll("li[data-name]").forEach((item) => {
        const match = !query || item.dataset.name.includes(query);
        item.hidden = !match;
        if (match) shown += 1;
      });
      district.hidden = shown === 0;
    });
  });
});
