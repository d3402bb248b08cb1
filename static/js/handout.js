// The handout needs no script to read or print; this only wires the Print button.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
