// Copy buttons: <button data-copy="ID"> copies the value of the field with that id.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = () => {
    const status = document.getElementById(`${button.dataset.copy}-status`);
    if (status) status.textContent = button.dataset.copied || "";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done);
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
