/* Lecture decks of the onestep course (scripts/make_slides.py writes the slides).
 *
 * Order of work: MathJax typesets the math (only elements of class "math"), the images and fonts
 * load, every slide whose content is taller or wider than the page gets a smaller font (down to
 * 50%), and only then does reveal.js start. Its print view (?print-pdf) therefore lays out
 * slides whose size is final, one page each. window.__slidesReady is set when the deck is ready (the browser
 * check waits for it).
 */
(function () {
  "use strict";
  var W = 1280, H = 720, MIN_FONT = 50;
  var reveal = document.querySelector(".reveal");

  function leaves() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".reveal .slides section"),
      function (s) { return !s.querySelector("section"); });
  }

  function fit() {
    leaves().forEach(function (s) {
      var size = 100;
      s.style.fontSize = "";
      while ((s.scrollHeight > H || s.scrollWidth > W + 2) && size > MIN_FONT) {
        size -= 5;
        s.style.fontSize = size + "%";
      }
      if (size < 100) { s.setAttribute("data-fit", String(size)); }
      if (s.scrollHeight > H || s.scrollWidth > W + 2) {
        s.setAttribute("data-overflow", s.scrollWidth + "x" + s.scrollHeight);
      }
    });
  }

  function typeset() {
    if (!window.MathJax || !window.MathJax.startup) {
      return Promise.reject(new Error("MathJax did not load"));
    }
    return window.MathJax.startup.promise.then(function () {
      return window.MathJax.typesetPromise();
    });
  }

  function images() {
    return Promise.all(Array.prototype.map.call(document.images, function (img) {
      return img.decode ? img.decode().catch(function () {}) : Promise.resolve();
    }));
  }

  function fonts() {
    return document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  }

  function start() {
    reveal.classList.remove("measuring");
    Reveal.initialize({
      width: W, height: H, margin: 0.04, center: false, hash: true,
      slideNumber: "c/t", showSlideNumber: "all", transition: "none",
      backgroundTransition: "none", pdfMaxPagesPerSlide: 1, pdfSeparateFragments: false,
      plugins: [RevealNotes]
    }).then(function () { window.__slidesReady = true; });
  }

  Promise.all([typeset(), images()])
    .then(fonts)
    .then(fit, function (err) { console.error("slides: " + err); })
    .then(start);
})();
