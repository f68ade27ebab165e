// The case page's money actions ask before they send, naming the amount and account typed:
// data-confirm-template's {field} is the form's field (or the field's data-blank when empty).
// A capture listener, so app.js's own data-confirm question sees the filled-in text.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const template = form.dataset && form.dataset.confirmTemplate;
  if (!template) return;
  form.dataset.confirm = template.replace(/\{(\w+)\}/g, (whole, name) => {
    const field = form.elements[name];
    if (!field) return whole;
    return field.value.trim() || field.dataset.blank || "";
  });
}, true);
