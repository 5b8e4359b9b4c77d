// A form with data-confirm asks before it is sent (deleting a session cannot be undone).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
