// Progressive enhancement only: every page works without it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // One click, one request: a second click while the page loads sends nothing.
  const button = form.querySelector("button[type=submit]");
  if (button) {
    setTimeout(() => { button.disabled = true; }, 0);
  }
});

// A "select the page" box ticks every box of its bulk form (data-select-all = the form id).
document.addEventListener("change", (event) => {
  const box = event.target;
  const form = box.dataset && box.dataset.selectAll;
  if (!form) return;
  document.querySelectorAll(`input[type=checkbox][form="${form}"]`).forEach((other) => {
    other.checked = box.checked;
  });
});
