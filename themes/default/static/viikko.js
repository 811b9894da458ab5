// Progressive enhancement only: every page works without this file. Its words come from the
// page (data-* attributes), in the site's language.
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
      Object.keys(chosen).length ? form.getAttribute("data-shown").replace("{n}", shown) : "";
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
})();

// Search over the index written at build time. Finnish inflects words (kahvila, kahvilassa,
// kahvilaan), so a query word matches an indexed word that starts with it or shares most of
// its beginning; ä/a, ö/o and accents are not told apart.
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function wordMatches(query, word) {
    if (word.indexOf(query) === 0) return true;
    var n = Math.min(query.length, word.length), p = 0;
    while (p < n && query.charAt(p) === word.charAt(p)) p++;
    return p >= Math.max(4, Math.ceil(0.6 * n));
  }
  function matches(query, words) {
    var wanted = fold(query).split(/[^0-9a-z]+/).filter(function (w) { return w.length > 1; });
    var have = words.split(" ");
    return wanted.every(function (q) {
      return have.some(function (w) { return wordMatches(q, w); });
    });
  }
  window.viikkoSearch = { fold: fold, matches: matches };

  var form = document.querySelector("form[data-search]");
  if (!form) return;
  var input = form.elements.q;
  var status = form.querySelector(".search-status");
  var query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  fetch(form.getAttribute("data-search")).then(function (r) { return r.json(); }).then(function (index) {
    function run() {
      var q = input.value.trim();
      var shown = 0;
      index.forEach(function (doc) {
        var item = document.querySelector('[data-id="' + doc.id + '"]');
        if (!item) return;
        var keep = !q || matches(q, doc.w);
        item.hidden = !keep;
        if (keep) shown++;
      });
      status.textContent = q ? form.getAttribute("data-results").replace("{n}", shown).replace("{q}", q) : "";
      history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    run();
  });
})();

// "Now and next" on the home page, only while something is on or coming today.
(function () {
  "use strict";
  var section = document.querySelector("[data-now]");
  if (!section || !window.fetch) return;
  fetch(section.getAttribute("data-now")).then(function (r) { return r.json(); }).then(function (entries) {
    var now = Date.now() / 1000;
    var endOfDay = new Date();
    endOfDay.setHours(23, 59, 59, 0);
    var shown = entries.filter(function (e) {
      return e.e > now && e.s < endOfDay.getTime() / 1000;
    }).slice(0, 6);
    if (!shown.length) return;
    var list = section.querySelector("ul");
    shown.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.u;
      link.textContent = e.t;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" " + (e.s <= now ? section.getAttribute("data-now-label") + ", " : "") + e.w));
      list.appendChild(item);
    });
    section.hidden = false;
  });
})();
