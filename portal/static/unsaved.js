// Asks before the editor leaves a page whose form holds unsaved edits (issue 20): the browser's own
// "leave this page?" question, only when a form marked data-unsaved differs from what the page was loaded
// with (or holds text refused on saving), and not for that form's own submission (which saves it). The page works without it: the
// documentation form's section buttons save before moving on.
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-unsaved]"));
  if (!forms.length || !window.FormData || !window.URLSearchParams) { return; }
  function state(form) { return new URLSearchParams(new FormData(form)).toString(); }
  // "dirty": the page shows text the server refused to save, so leaving loses it whatever is typed now.
  var loaded = forms.map(function (form) {
    return form.getAttribute("data-unsaved") === "dirty" ? null : state(form);
  });
  var submitting = null;
  forms.forEach(function (form) {
    form.addEventListener("submit", function () { submitting = form; });
  });
  window.addEventListener("pageshow", function () { submitting = null; });
  window.addEventListener("beforeunload", function (event) {
    var dirty = forms.some(function (form, i) { return form !== submitting && state(form) !== loaded[i]; });
    if (!dirty) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
}());
