// "/" focuses the search box in the header, unless the user is already typing.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  var target = event.target;
  var typing =
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable);
  if (typing) {
    return;
  }
  var box = document.getElementById("quick-find");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
