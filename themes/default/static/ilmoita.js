// The entry form: composes the entry file as the person types, in the site's field names and
// the notation partners use, and points out what is missing next to its field. Everything
// happens in the browser; nothing is sent anywhere unless the person sends the email.
(function () {
  "use strict";
  var form = document.getElementById("ilmoitus");
  if (!form) return;
  var settings = JSON.parse(form.getAttribute("data-settings"));
  var names = settings.names;
  var say = settings.messages;
  var out = document.getElementById("tiedosto-teksti");
  var status = document.getElementById("form-status");
  var actions = document.querySelector(".form-actions");
  var newOrganiser = document.querySelector(".new-organiser");
  form.hidden = false;
  actions.hidden = false;

  function quote(value) {
    return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  }

  // Words (Teams, 10.11. mennessä) or an address, as the site reads them: what looks like an
  // address must start with https://, or be an e-mail address where `email` allows it.
  function linkOrWords(text, email) {
    var bare = text.replace(/\.$/, "");
    var word = !/\s/.test(bare) && /\p{L}/u.test(bare);
    var address = /:\/\/|^www\./i.test(text) || (word && /[.\/:@]/.test(bare));
    if (email && /^[^\s@<>",;:?&#]+@[^\s@<>",;:?&#]+\.[^\s@<>",;:?&#]+$/.test(text)) return true;
    return !address || /^https?:\/\/[^\s/]+/.test(text);
  }

  // As the site makes addresses from names: lower case, ä/å as a, ö as o, the rest as dashes.
  function slug(text) {
    return text.toLowerCase().replace(/[äå]/g, "a").replace(/ö/g, "o")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // 14:00 as `14`, 14:30 as `14.30`; English keeps `14:30`.
  function clock(time) {
    var parts = time.split(":");
    if (settings.lang === "en") return parts[0] + ":" + parts[1];
    var hour = String(parseInt(parts[0], 10));
    return parts[1] === "00" ? hour : hour + "." + parts[1];
  }

  function value(name) {
    var field = form.elements[name];
    return field ? field.value.trim() : "";
  }

  // `ti 17.11.2026 klo 14–15.30`, `ti 17.11.2026 klo 18.30 alkaen` or `ti 17.11.2026`.
  function when(problems) {
    var date = value("date");
    if (!date) {
      problems.date = say.date;
      return "";
    }
    if (date < settings.week.start || date > settings.week.end) problems.date = say.outside;
    var parts = date.split("-");
    var weekday = settings.weekdays[(new Date(date + "T12:00:00").getDay() + 6) % 7];
    var day = weekday + " " + parseInt(parts[2], 10) + "." + parseInt(parts[1], 10) + "." + parts[0];
    var start = value("start");
    var end = value("end");
    if (!start) return day;
    if (end && end <= start) problems.end = say.end;
    if (end) return day + " " + settings.clock + clock(start) + "–" + clock(end);
    if (settings.lang === "fi") return day + " klo " + clock(start) + " alkaen";
    return settings.from + " " + day + " " + settings.clock + clock(start);
  }

  // A field's problem is shown once the person has been to it, or asks for the file.
  var touched = {};
  var shows = {
    title: ["title"],
    organiser: ["organiser", "new_organiser"],
    date: ["date"],
    end: ["start", "end"],
    where: ["place", "address", "municipality", "online", "registration"],
    audience: ["audience"]
  };

  function compose() {
    var problems = {};
    var lines = [];
    var field = function (key, text) {
      if (text) lines.push(names[key] + ": " + text);
    };
    var title = value("title");
    if (!title) problems.title = say.title;
    field("title", title ? quote(title) : "");
    field("time", when(problems));
    var place = value("place");
    var address = value("address");
    var town = value("municipality");
    if (address || town) {
      var parts = [];
      if (place) parts.push(names.name + ": " + quote(place));
      if (address) parts.push(names.address + ": " + quote(address));
      if (town) parts.push(names.municipality + ": " + quote(town));
      field("place", "{" + parts.join(", ") + "}");
    } else {
      field("place", place ? quote(place) : "");
    }
    var online = value("online");
    if (!linkOrWords(online)) problems.where = say.url;
    field("online", online ? quote(online) : "");
    if (!place && !address && !online) problems.where = say.where;
    // A place that is only a way of meeting online, as the build refuses it.
    var first = (place.toLowerCase().match(/[\p{L}\p{N}]+/u) || [""])[0];
    var onlinePlace = !address && !town && settings.online_place_words.indexOf(first) >= 0;
    if (onlinePlace && !problems.where) problems.where = say.place_online;
    // As the build warns: told, not blocking.
    if ((place || address) && !town && !problems.where) problems.where = say.municipality;
    var audiences = Array.prototype.filter.call(form.elements.audience, function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
    if (!audiences.length) problems.audience = say.audience;
    field("audience", audiences.join(", "));
    field("format", value("format"));
    field("summary", value("summary") ? quote(value("summary")) : "");
    field("price", value("price") ? quote(value("price")) : "");
    var registration = value("registration");
    if (!linkOrWords(registration, true)) problems.registration = say.url;
    field("registration", registration ? quote(registration) : "");
    field("accessibility", value("accessibility") ? quote(value("accessibility")) : "");
    var organiser = value("organiser");
    newOrganiser.hidden = organiser !== "*";
    if (!organiser || (organiser === "*" && !value("new_organiser"))) problems.organiser = say.organiser;
    var folder = organiser === "*" ? slug(value("new_organiser")) : organiser;
    var text = "---\n" + lines.join("\n") + "\n---\n" + value("description") + "\n";
    var file = (slug(title) || "tapahtuma") + ".md";
    ["title", "organiser", "date", "end", "where", "audience"].forEach(function (key) {
      var seen = touched.all || shows[key].some(function (name) { return touched[name]; });
      var message = seen ? problems[key] || (key === "where" ? problems.registration : "") || "" : "";
      document.getElementById("e-" + key).textContent = message;
      var input = form.elements[key === "where" ? "place" : key === "audience" ? "audience" : key];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", message ? "true" : "false");
    });
    var warnings = [say.outside, say.municipality];
    var blocking = Object.keys(problems).filter(function (key) { return warnings.indexOf(problems[key]) < 0; });
    status.textContent = blocking.length ? say.missing
      : say.ready.replace("{file}", file).replace("{folder}", "content/programme/" + (folder || "…") + "/");
    out.textContent = text;
    out.setAttribute("data-file-name", file);
    out.setAttribute("data-folder", folder || "");
    var subject = names.title + ": " + (title || "…");
    var body = "content/programme/" + (folder || "…") + "/" + file + "\n"
      + (organiser === "*" ? names.organiser + ": " + value("new_organiser") + "\n" : "") + "\n" + text;
    document.getElementById("laheta").href = "mailto:" + (settings.contact || "")
      + "?subject=" + encodeURIComponent(subject) + "&body=" + encodeURIComponent(body);
  }

  var visit = function (event) {
    touched[event.target.name] = true;
    compose();
  };
  form.addEventListener("input", visit);
  form.addEventListener("change", visit);
  form.addEventListener("focusout", visit);
  actions.addEventListener("click", function () {
    touched.all = true;
    compose();
  }, true);
  document.getElementById("lataa").addEventListener("click", function () {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([out.textContent], { type: "text/markdown;charset=utf-8" }));
    link.download = out.getAttribute("data-file-name");
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  document.getElementById("kopioi").addEventListener("click", function () {
    var done = function () { status.textContent = say.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(out.textContent).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(out);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) done();
    }
  });
  compose();
})();
