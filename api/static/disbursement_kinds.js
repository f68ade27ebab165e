// The case page's form for the other kinds of disbursement (fee, refund to the respondent,
// escrow, transfer to another court): the destination list offers only the chosen kind's
// accounts, and the question before sending names the kind, the amount and the account.
// A capture listener, so app.js's own data-confirm question sees the filled-in text (its
// template is data-kind-confirm: case_actions.js fills in data-confirm-template its own way).
(() => {
  const form = document.querySelector("form[data-kind-form]");
  if (!form) return;
  const kind = form.elements.kind;
  const destination = form.elements.payee_account_number;
  const show = () => {
    for (const group of destination.querySelectorAll("optgroup")) {
      const mine = group.dataset.kind === kind.value;
      group.hidden = !mine;
      group.disabled = !mine;
    }
    const chosen = destination.selectedOptions[0];
    if (chosen && chosen.dataset.kind && chosen.dataset.kind !== kind.value) {
      destination.value = "";
    }
    for (const hint of form.querySelectorAll("[data-for-kind]")) {
      const other = !hint.dataset.forKind.split(" ").includes(kind.value);
      hint.hidden = other;
      hint.style.display = other ? "none" : "";  // the form's labels set their own display
    }
  };
  kind.addEventListener("change", show);
  show();
  document.addEventListener("submit", (event) => {
    if (event.target !== form) return;
    const chosen = destination.selectedOptions[0];
    form.dataset.confirm = form.dataset.kindConfirm
      .replace("{kind}", kind.selectedOptions[0].textContent.trim())
      .replace("{amount}", form.elements.amount.value.trim())
      .replace("{account}", chosen ? chosen.textContent.trim() : "");
  }, true);
})();
