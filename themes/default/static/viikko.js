// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Programme filters: hide entries instantly, keep the choice in the address.
  var form = document.querySelector("form[data-filter]");
  if (!form) return;
  form.hidden = false;
  var fields = {
    kohderyhma: "audiences",
    kunta: "municipality",
    tyyppi: "format",
    tapa: "mode"
  };
  var params = new URLSearchParams(location.search);
  Object.keys(fields).forEach(function (name) {
    var select = form.elements[name];
    if (select && params.get(name)) select.value = params.get(name);
  });

  function apply() {
    var chosen = {};
    Object.keys(fields).forEach(function (name) {
      var value = form.elements[name] && form.elements[name].value;
      if (value) chosen[name] = value;
    });
    var shown = 0;
    document.querySelectorAll(".entry").forEach(function (entry) {
      var keep = Object.keys(chosen).every(function (name) {
        var words = (entry.dataset[fields[name]] || "").split(" ");
        return words.indexOf(chosen[name]) !== -1;
      });
      entry.hidden = !keep;
      if (keep) shown++;
    });
    // Hide a time or a day whose entries are all hidden.
    document.querySelectorAll("ul.entries").forEach(function (list) {
      var empty = !list.querySelector(".entry:not([hidden])");
      list.hidden = empty;
      var heading = list.previousElementSibling;
      if (heading && heading.classList.contains("slot-time")) heading.hidden = empty;
    });
    document.querySelectorAll("section.day").forEach(function (day) {
      day.hidden = !day.querySelector(".entry:not([hidden])");
    });
    var query = new URLSearchParams(chosen).toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
    form.querySelector(".filter-status").textContent =
      Object.keys(chosen).length ? shown + " tapahtumaa näytetään" : "";
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
})();
