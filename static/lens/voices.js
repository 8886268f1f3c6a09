// The voices activity: show each sentence's save state, and let a failed save be retried.
// htmx does the saving (hx-post on each sentence's fieldset); htmx 2 never retries by itself.
"use strict";

(() => {
  const form = document.getElementById("voices-form");
  if (!form) return;
  form.classList.add("autosaving");

  const statusOf = (fieldset) => fieldset.querySelector(".save-status");

  // A refusal (bad answer, locked attempt) carries a message meant for the student: show it.
  form.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  form.addEventListener("htmx:beforeRequest", (event) => {
    const status = statusOf(event.detail.elt);
    if (!status) return;
    const saving = document.createElement("span");
    saving.className = "saving";
    saving.textContent = form.dataset.savingText;
    status.replaceChildren(saving);
    status.closest("fieldset").classList.remove("not-saved");
  });

  // The choice stays selected in the page, so retrying sends it again.
  const showFailure = (event) => {
    const fieldset = event.detail.elt;
    const status = statusOf(fieldset);
    if (!status) return;
    const template = document.getElementById("save-failed-template");
    status.replaceChildren(template.content.cloneNode(true));
    fieldset.classList.add("not-saved");
  };
  form.addEventListener("htmx:responseError", showFailure);
  form.addEventListener("htmx:sendError", showFailure);
  form.addEventListener("htmx:timeout", showFailure);

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-retry]");
    if (!button) return;
    const fieldset = button.closest("fieldset");
    // Move focus to the chosen answer first: the button is about to be replaced.
    (fieldset.querySelector("input:checked") || fieldset.querySelector("input"))?.focus();
    htmx.trigger(fieldset, "change");
  });

  // "Save answers" posts the whole form, unsaved answers included.
  form.addEventListener("submit", () => {
    form.querySelectorAll("fieldset.not-saved").forEach((fieldset) => fieldset.classList.remove("not-saved"));
  });

  // Leaving with an unsaved answer would lose it: let the browser ask first.
  window.addEventListener("beforeunload", (event) => {
    if (form.querySelector("fieldset.not-saved")) event.preventDefault();
  });
})();
