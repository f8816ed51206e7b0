// Live completeness on the documentation form: counts, as the producer types, how many of the section's
// required concepts have Norwegian text or are marked not relevant. The page works without it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-completeness]");
  var out = document.getElementById("section-completeness");
  if (!form || !out) { return; }
  var template = out.getAttribute("data-template");
  function update() {
    var concepts = form.querySelectorAll("[data-required='true']");
    var done = 0;
    concepts.forEach(function (concept) {
      var code = concept.getAttribute("data-code");
      var text = form.querySelector("[name='" + code + "__nb']");
      var notRelevant = form.querySelector("[name='" + code + "__nr']");
      if ((text && text.value.trim() !== "") || (notRelevant && notRelevant.checked)) { done += 1; }
    });
    out.textContent = template.replace("{n}", String(done)).replace("{total}", String(concepts.length));
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}());
