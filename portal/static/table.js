// Table pages: filter long value lists (checkboxes) as you type, count the selection's cells as values are
// ticked, and copy the API query. The page works without it (the search box then filters on the server
// when the form is sent, and the count is the shown selection's).
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
  // The selection's cells, counted as the server will count them when the form is sent
  // (pxbridge/pages/views.py: _asked, _requested, _periods_chosen): every text comes from the page.
  var count = document.getElementById("cell-count");
  var form = count && count.closest("form");
  if (form) {
    var lang = document.documentElement.lang || "nb";
    var numbers = new Intl.NumberFormat(lang === "en" ? "en" : "nb");
    var codesOf = function (select, list) {
      var lists = JSON.parse(select.getAttribute("data-codes") || "[]");
      var found = lists.filter(function (pair) { return pair[0] === list; })[0];
      return found ? found[1] : [];
    };
    var ticked = function (fieldset, code) {
      return Array.prototype.map.call(
        fieldset.querySelectorAll("input[type=checkbox][name='v-" + code + "']:checked"),
        function (box) { return box.value; });
    };
    // How many values a variable takes; null when it takes none (left out, or missing).
    var taken = function (fieldset, chosenAnywhere) {
      var code = fieldset.getAttribute("data-variable");
      var every = fieldset.querySelector("input[name='all-" + code + "']");
      var all = every && every.checked;
      var values = ticked(fieldset, code);
      var listed = fieldset.querySelector("ul[data-codelist]");
      var shownList = listed ? listed.getAttribute("data-codelist") : "";
      var select = fieldset.querySelector("select[name='cl-" + code + "']");
      var list = select ? select.value : "";
      var n = null;
      if (list) {
        // Through a code list only its own values count, and none chosen means all of them.
        var own = codesOf(select, list);
        var kept = values.filter(function (v) { return own.indexOf(v) !== -1; });
        n = all || kept.length === 0 ? own.length : kept.length;
      } else if (all) {
        n = Number(fieldset.getAttribute("data-size"));
      } else {
        if (shownList && select) {  // the boxes are a code list's: only the variable's own codes count
          var mine = codesOf(select, "");
          values = values.filter(function (v) { return mine.indexOf(v) !== -1; });
        }
        n = values.length || null;
        if (!chosenAnywhere) {  // nothing ticked at all: the server's default selection
          n = Number(fieldset.getAttribute("data-default")) || null;
        }
      }
      var latest = fieldset.querySelector("input[name='latest-" + code + "']");
      var from = fieldset.querySelector("select[name='from-" + code + "']");
      if (latest && latest.value.trim() !== "") {
        var wanted = latest.value.trim();
        if (!/^[0-9]+$/.test(wanted) || Number(wanted) < 1 ||
            Number(wanted) > Number(fieldset.getAttribute("data-size"))) {
          return {bad: latest.getAttribute("data-bad")};
        }
        n = Number(wanted);
      } else if (from && from.value !== "") {
        n = from.options.length - from.selectedIndex;  // the first option is "not chosen"
      }
      return {n: n};
    };
    var update = function () {
      var chosenAnywhere = form.querySelector(
        "input[type=checkbox][name^='v-']:checked, input[type=checkbox][name^='all-']:checked") !== null;
      var cells = 1;
      var said = null;
      Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-variable]"), function (fieldset) {
        var answer = taken(fieldset, chosenAnywhere);
        if (answer.bad) {
          said = said || answer.bad;
        } else if (answer.n === null) {
          if (!fieldset.hasAttribute("data-optional")) {
            cells = 0;
            said = said || fieldset.getAttribute("data-missing");
          }
        } else {
          cells *= answer.n;
        }
      });
      var text = said || count.getAttribute("data-text").replace("{n}", numbers.format(cells));
      var over = !said && cells > Number(count.getAttribute("data-max"));
      if (over) {
        text += " " + count.getAttribute("data-over");
      }
      count.classList.toggle("over", over || said !== null);
      count.setAttribute("data-cells", said ? "" : String(cells));
      if (count.textContent !== text) {
        count.textContent = text;
      }
    };
    form.addEventListener("change", update);
    form.addEventListener("input", function (event) {
      if (event.target.name && event.target.name.indexOf("latest-") === 0) { update(); }
    });
  }
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
