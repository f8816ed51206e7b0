// The day view beside a release's date fields (issue 20): when the editor changes the date, the time or
// the statistic, the link to the day page follows, and the panel is redrawn from the day page's JSON
// twin. The pages work without it: the link then opens the day of the date the page was rendered with.
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-day-link]"));
  if (!links.length || !window.fetch || !window.URLSearchParams) { return; }

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function badge(label) {
    var node = text("span", label);
    node.className = "badge";
    return node;
  }

  function draw(panel, data) {
    panel.querySelector("[data-dv-heading]").textContent = data.heading;
    var sentences = panel.querySelector("[data-dv-sentences]");
    sentences.textContent = "";
    data.sentences.forEach(function (s) { sentences.appendChild(text("p", s)); });
    var list = panel.querySelector("[data-dv-list]");
    list.textContent = "";
    data.releases.forEach(function (r) {
      var item = document.createElement("li");
      item.appendChild(text("strong", r.time));
      item.appendChild(document.createTextNode(
        " · " + r.producer + " · " + r.statistic + " · " + r.status_label
      ));
      if (r.in_hour) { item.appendChild(document.createTextNode(" ")); item.appendChild(badge(data.labels.in_hour)); }
      if (r.same_subject_area) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(badge(data.labels.same_subject_area));
      }
      list.appendChild(item);
    });
    list.hidden = data.releases.length === 0;
    panel.hidden = false;
  }

  links.forEach(function (link) {
    var form = link.closest("form");
    if (!form) { return; }
    var date = form.querySelector("input[name=release_date]");
    var time = form.querySelector("input[name=release_time]");
    var statistic = form.querySelector("select[name=statistic]");
    var panel = document.getElementById(link.getAttribute("data-panel"));
    var asked = 0;

    function params() {
      var p = new URLSearchParams();
      if (date && date.value) { p.set("dato", date.value); }
      if (time && time.value) { p.set("tid", time.value); }
      var chosen = statistic ? statistic.value : link.getAttribute("data-statistic");
      if (chosen) { p.set("statistikk", chosen); }
      var leaveOut = link.getAttribute("data-leave-out");
      if (leaveOut) { p.set("utenom", leaveOut); }
      return p;
    }

    function update() {
      var p = params();
      link.href = link.getAttribute("data-page") + "?" + p.toString();
      if (!panel || !p.get("dato")) { return; }
      var mine = ++asked;
      fetch(link.getAttribute("data-json") + "?" + p.toString(), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          // A half-typed date answers 400: keep the panel as it was; only the newest answer is drawn.
          if (data && mine === asked) { draw(panel, data); }
        })
        .catch(function () { /* offline: the link still works */ });
    }

    [date, time, statistic].forEach(function (input) {
      if (input) { input.addEventListener("change", update); }
    });
  });
}());
