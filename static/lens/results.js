// Results pages: live refreshes that stay out of the teacher's way. Loaded with the page's CSP nonce.
"use strict";

// A hidden tab skips its refreshes: nobody is looking, and the next tick after it shows catches up.
document.addEventListener("htmx:beforeRequest", (event) => {
  const source = event.detail.elt;
  if (document.hidden && source instanceof Element && source.hasAttribute("data-poll")) {
    event.preventDefault();
  }
});

// Filter forms send only the fields that are filled in, so the address stays short enough to read and share.
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt;
  if (!(source instanceof HTMLFormElement) || !source.hasAttribute("data-drop-empty")) {
    return;
  }
  const parameters = event.detail.parameters;
  for (const [name, value] of Array.from(parameters.entries())) {
    if (value === "") {
      parameters.delete(name);
    }
  }
});

// A swapped region keeps its tables' sideways scroll (on a phone the table is wider than the screen).
const sidewaysScroll = new Map();
document.addEventListener("htmx:beforeSwap", (event) => {
  const region = event.detail.target;
  if (region instanceof Element && region.id) {
    sidewaysScroll.set(region.id, Array.from(region.querySelectorAll(".table-wrap"), (wrap) => wrap.scrollLeft));
  }
});
document.addEventListener("htmx:afterSwap", () => {
  for (const [id, offsets] of sidewaysScroll) {
    const region = document.getElementById(id);
    if (region) {
      region.querySelectorAll(".table-wrap").forEach((wrap, index) => {
        wrap.scrollLeft = offsets[index] || 0;
      });
    }
  }
  sidewaysScroll.clear();
});

// On a phone an unused filter panel starts folded, so the table is on the first screen.
const filterPanel = document.querySelector("details[data-collapse-narrow]");
if (filterPanel && window.matchMedia("(max-width: 40rem)").matches) {
  const inUse = Array.from(filterPanel.querySelectorAll("input")).some((input) =>
    input.type === "checkbox" ? input.checked : input.value !== "",
  );
  if (!inUse) {
    filterPanel.open = false;
  }
}
