// The print view's toolbar: the Print button opens the browser's print dialogue.
// The button stays hidden where scripts do not run, since it could do nothing there.
document.querySelectorAll(".print-button").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
