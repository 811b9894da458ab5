// Tells the page this list is embedded in how tall it is, so that its frame fits it: the snippet
// the organiser page offers listens for this message. The body's own height, not the document's,
// which would grow with the frame and ask for more without end.
(function () {
  "use strict";
  if (window.parent === window) return;
  function tell() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    window.parent.postMessage({ viikkoHeight: height }, "*");
  }
  window.addEventListener("load", tell);
  if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
})();
