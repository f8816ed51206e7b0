// Table pages: filter long value lists (checkboxes) as you type, and copy the API query. The page works
// without it (the search box then filters on the server when the form is sent).
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("data-filter-for"));
    if (!list) { return; }
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(list.querySelectorAll("li"), function (item) {
        var box = item.querySelector("input");
        item.hidden = wanted !== "" && !(box && box.checked) &&
          item.textContent.toLowerCase().indexOf(wanted) === -1;
      });
    });
  });
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.firstChild.textContent = button.getAttribute("data-copied");
      });
    });
  });
}());
