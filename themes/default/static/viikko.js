// Progressive enhancement only: every page works without this file. Its words come from the
// page (data-* attributes), in the site's language.
document.documentElement.classList.add("js");

// "My programme": the starred entries, kept in this browser's storage by entry id, which stays
// the same across rebuilds of the site.
window.viikkoMine = (function () {
  "use strict";
  var key = "viikko-oma:" + (document.documentElement.getAttribute("data-base") || "/");
  function all() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function save(entries) {
    try { localStorage.setItem(key, JSON.stringify(entries)); } catch (e) { /* storage off */ }
  }
  return {
    all: all,
    has: function (id) { return Object.prototype.hasOwnProperty.call(all(), id); },
    put: function (entry) { var e = all(); e[entry.id] = entry; save(e); },
    remove: function (id) { var e = all(); delete e[id]; save(e); }
  };
})();

(function () {
  "use strict";
  // Programme filters: hide entries instantly, keep the choice in the address.
  var form = document.querySelector("form[data-filter]");
  if (!form) return;
  form.hidden = false;
  var fields = {
    kohderyhma: "audiences",
    kunta: "municipality",
    tyyppi: "format",
    tapa: "mode",
    paiva: "days"
  };
  var params = new URLSearchParams(location.search);
  var online = form.elements.verkko;
  if (online) online.checked = params.get("verkko") === "1";
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
        if (name === "kunta" && online && online.checked &&
            (entry.dataset.mode || "").split(" ").indexOf("verkossa") !== -1) return true;
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
    var address = Object.assign({}, chosen);
    if (online && online.checked) address.verkko = "1";
    var query = new URLSearchParams(address).toString();
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

  var form = document.querySelector("form[data-search]");
  if (!form) return;
  // The index comes in files by a word's first two letters, and the listing in chunks: a query
  // fetches the files of its words and the chunks of the results it shows.
  var base = form.getAttribute("data-search");
  var chunk = Number(form.getAttribute("data-chunk"));
  var input = form.elements.q;
  var status = form.querySelector(".search-status");
  var list = document.querySelector("[data-search-results]");
  var more = document.querySelector("[data-search-more]");
  var files = {};
  function load(path) {
    if (!files[path]) {
      files[path] = fetch(base + path).then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return files[path];
  }
  // The documents with a word that matches `query`: number → 2 if in its title, else 1.
  function documents(query) {
    return load("sanat/" + query.slice(0, 2) + ".json").then(function (words) {
      var found = {};
      Object.keys(words || {}).forEach(function (word) {
        if (!wordMatches(query, word)) return;
        words[word].forEach(function (n) {
          if (n < 0) found[-1 - n] = 2;
          else found[n] = found[n] || 1;
        });
      });
      return found;
    });
  }
  var results = [], shown = 0, latest = 0;
  function show(count) {
    var numbers = results.slice(shown, shown + count);
    var chunks = numbers.map(function (n) { return load("kohteet/" + Math.floor(n / chunk) + ".json"); });
    return Promise.all(chunks).then(function (loaded) {
      numbers.forEach(function (n, i) {
        var doc = loaded[i] && loaded[i][n % chunk];
        if (!doc) return;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = doc[0];
        link.textContent = doc[1];
        var detail = document.createElement("span");
        detail.className = "count";
        detail.textContent = doc[2];
        item.append(link, " ", detail);
        list.append(item);
      });
      shown += numbers.length;
      more.hidden = shown >= results.length;
    });
  }
  function run() {
    var q = input.value.trim();
    var wanted = fold(q).split(/[^0-9a-z]+/).filter(function (w) { return w.length > 1; });
    var ticket = ++latest;
    history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
    Promise.all(wanted.map(documents)).then(function (sets) {
      if (ticket !== latest) return;
      results = [];
      if (sets.length) {
        // Those with every word; more of the words in the title first, then in programme order.
        var score = {};
        results = Object.keys(sets[0]).map(Number).filter(function (n) {
          score[n] = 0;
          return sets.every(function (set) { score[n] += set[n] || 0; return set[n]; });
        }).sort(function (a, b) { return score[b] - score[a] || a - b; });
      }
      list.textContent = "";
      shown = 0;
      status.textContent = q ? form.getAttribute("data-results").replace("{n}", results.length).replace("{q}", q) : "";
      return show(20);
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", run);
  more.addEventListener("click", function () { show(50); });
  input.value = new URLSearchParams(location.search).get("q") || "";
  if (input.value) run();
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

// Buttons that need this script are shown only when it runs.
(function () {
  "use strict";
  document.querySelectorAll(".needs-js, .needs-js-inline").forEach(function (el) { el.classList.add("has-js"); });
  function say(button, text) {
    var status = document.querySelector(".action-status");
    if (status) status.textContent = text;
  }

  // Share: the phone's own share sheet where there is one, else copy the link.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-share");
      if (navigator.share) {
        navigator.share({ title: button.getAttribute("data-title"), url: url }).catch(function () {});
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () { say(button, button.getAttribute("data-copied")); });
      } else {
        window.prompt("", url);
      }
    });
  });

  // Copy a calendar's address.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      field.select();
      var done = function () {
        var status = button.closest("p").querySelector("[role=status]");
        if (status) status.textContent = button.getAttribute("data-copied");
      };
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
      else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // The star: keeps the entry in "my programme", in this browser only.
  var mine = window.viikkoMine;
  document.querySelectorAll("button[data-star]").forEach(function (button) {
    var entry = JSON.parse(button.getAttribute("data-star"));
    function show() {
      button.setAttribute("aria-pressed", mine.has(entry.id) ? "true" : "false");
    }
    // A starred entry's page brings its kept copy up to date (a new time, a cancellation).
    if (mine.has(entry.id)) mine.put(entry);
    show();
    button.addEventListener("click", function () {
      if (mine.has(entry.id)) {
        mine.remove(entry.id);
        say(button, button.getAttribute("data-removed"));
      } else {
        mine.put(entry);
        say(button, button.getAttribute("data-added"));
      }
      show();
    });
  });
})();

// The "my programme" page: the starred entries by day, each brought up to date from its page,
// and one calendar file of them made here in the browser.
(function () {
  "use strict";
  var section = document.querySelector("[data-mine]");
  if (!section) return;
  var mine = window.viikkoMine;
  var list = section.querySelector(".mine-list");
  var empty = section.querySelector(".mine-empty");
  var download = section.querySelector("[data-mine-ics]");

  function refresh(entry) {
    return fetch(entry.url.replace(/^https?:\/\/[^/]+/, ""))
      .then(function (r) {
        if (r.status === 404) return Object.assign({}, entry, { gone: true });
        return r.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var button = doc.querySelector("button[data-star]");
          return button ? JSON.parse(button.getAttribute("data-star")) : entry;
        });
      })
      .catch(function () { return entry; });
  }

  function show(entries) {
    list.textContent = "";
    empty.hidden = entries.length > 0;
    download.hidden = !entries.length;
    var day = null, ul = null;
    entries.forEach(function (e) {
      if (e.day !== day) {
        day = e.day;
        var h = document.createElement("h2");
        h.textContent = e.label;
        list.appendChild(h);
        ul = document.createElement("ul");
        ul.className = "entries";
        list.appendChild(ul);
      }
      var li = document.createElement("li");
      li.className = "entry" + (e.cancelled ? " is-cancelled" : "");
      var h3 = document.createElement("h3");
      h3.className = "entry-title";
      var a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.title;
      if (e.status) {
        var s = document.createElement("span");
        s.className = "status";
        s.textContent = e.status + ": ";
        a.prepend(s);
      }
      h3.appendChild(a);
      var p = document.createElement("p");
      p.className = "entry-when";
      p.textContent = [e.time, e.location].filter(Boolean).join(" · ") +
        (e.gone ? " · " + section.getAttribute("data-gone") : "");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = section.getAttribute("data-remove");
      remove.setAttribute("aria-label", section.getAttribute("data-remove") + ": " + e.title);
      remove.addEventListener("click", function () {
        mine.remove(e.id);
        show(sorted(mine.all()));
        var focus = list.querySelector("button") || download;
        if (focus && !focus.hidden) focus.focus();
      });
      li.appendChild(h3);
      li.appendChild(p);
      li.appendChild(remove);
      ul.appendChild(li);
    });
  }

  function sorted(byId) {
    return Object.keys(byId).map(function (id) { return byId[id]; })
      .sort(function (a, b) { return a.start < b.start ? -1 : a.start > b.start ? 1 : a.title < b.title ? -1 : 1; });
  }

  // RFC 5545: escaped text, lines folded at 75 octets, CRLF.
  function text(value) {
    return String(value).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
  }
  function fold(line) {
    var out = "", octets = 0;
    for (var ch of line) {
      var n = new TextEncoder().encode(ch).length;
      if (octets + n > 75) { out += "\r\n "; octets = 1; }
      out += ch;
      octets += n;
    }
    return out + "\r\n";
  }
  function utc(iso) { return iso.replace(/[-:]/g, "").replace(/\.\d+/, ""); }
  function date(iso) { return iso.replace(/-/g, ""); }

  function calendar(entries) {
    var host = section.getAttribute("data-host");
    var stamp = utc(new Date().toISOString());
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//viikko//oma ohjelma//FI", "CALSCALE:GREGORIAN"];
    entries.filter(function (e) { return !e.gone; }).forEach(function (e) {
      lines.push("BEGIN:VEVENT", "UID:" + text(e.id + "@" + host), "DTSTAMP:" + stamp);
      if (e.allDay) {
        lines.push("DTSTART;VALUE=DATE:" + date(e.start), "DTEND;VALUE=DATE:" + date(e.end));
      } else {
        lines.push("DTSTART:" + utc(e.start));
        if (e.end) lines.push("DTEND:" + utc(e.end));
      }
      lines.push("SUMMARY:" + text((e.status ? e.status.toUpperCase() + ": " : "") + e.title));
      if (e.location) lines.push("LOCATION:" + text(e.location));
      lines.push("URL:" + e.url, "DESCRIPTION:" + text(e.url));
      lines.push("STATUS:" + (e.cancelled ? "CANCELLED" : "CONFIRMED"), "END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("");
  }

  download.addEventListener("click", function () {
    var blob = new Blob([calendar(sorted(mine.all()))], { type: "text/calendar" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = section.getAttribute("data-file");
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  section.hidden = false;
  var kept = sorted(mine.all());
  show(kept);
  Promise.all(kept.map(refresh)).then(function (fresh) {
    fresh.forEach(function (e) { if (!e.gone) mine.put(e); });
    var gone = {};
    fresh.forEach(function (e) { if (e.gone) gone[e.id] = e; });
    var current = mine.all();
    Object.keys(gone).forEach(function (id) { current[id] = gone[id]; });
    show(sorted(current));
  });
})();
