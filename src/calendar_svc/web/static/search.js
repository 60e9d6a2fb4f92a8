// Search on a static copy of the site, where no server answers /search/?q=….
// It folds, matches and ranks exactly as calendar_svc/catalog/search.py does (one table of cases,
// tests/data/search-folding.json, holds both), over the index the build writes for the page's
// language (/search/index.json: every event in the day's order; /search/words/<key>.json: the words).
(function () {
  "use strict";

  var FOLDED_LETTERS = {
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ß": "ss", "ς": "σ"
  };
  var WORD_CHAR = /^[\p{L}\p{N}]$/u;
  var CONTROL_CHAR = /\p{Cc}/u;

  function isMark(ch) { return ch >= "\u0300" && ch <= "\u036f"; }
  function isCyrillic(ch) { return ch >= "\u0400" && ch <= "\u04ff"; }

  // Lower case, no marks on non-Cyrillic letters, then the letters readers type another way.
  function fold(text) {
    var kept = [];
    Array.from(text.toLowerCase().normalize("NFKD")).forEach(function (ch) {
      if (isMark(ch) && !(kept.length && isCyrillic(kept[kept.length - 1]))) {
        return;
      }
      kept.push(ch);
    });
    return Array.from(kept.join("").normalize("NFC")).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(FOLDED_LETTERS, ch) ? FOLDED_LETTERS[ch] : ch;
    }).join("");
  }

  // [piece, isWord] runs that join back into the text.
  function runs(text) {
    var pieces = [];
    Array.from(text).forEach(function (ch) {
      var word = WORD_CHAR.test(ch);
      if (pieces.length && pieces[pieces.length - 1][1] === word) {
        pieces[pieces.length - 1][0] += ch;
      } else {
        pieces.push([ch, word]);
      }
    });
    return pieces;
  }

  function words(text) {
    return runs(fold(text)).filter(function (run) { return run[1]; }).map(function (run) { return run[0]; });
  }

  function queryWords(query) {
    return words(query).filter(function (word, index, all) { return all.indexOf(word) === index; });
  }

  function anyStartsWith(list, sought) {
    return list.some(function (word) {
      return sought.some(function (prefix) { return word.lastIndexOf(prefix, 0) === 0; });
    });
  }

  // Which part of the word index holds a folded word (as catalog/search.py's shard_key).
  function shardKey(word) {
    var first = word.charAt(0);
    if ((first >= "a" && first <= "z") || (first >= "0" && first <= "9") || (first >= "а" && first <= "я")) {
      return ("000" + first.charCodeAt(0).toString(16)).slice(-4);
    }
    return "other";
  }

  // Positions of the events holding a word that begins with prefix; table: {word: differences}.
  function startingWith(table, prefix) {
    var found = new Set();
    Object.keys(table).forEach(function (word) {
      if (word.lastIndexOf(prefix, 0) === 0) {
        var at = 0;
        table[word].forEach(function (difference) {
          at += difference;
          found.add(at);
        });
      }
    });
    return found;
  }

  // Positions of the events holding every word sought (shards: the word index's parts by key),
  // title matches first, each part in the index's order (the day's order).
  function search(shards, sought) {
    if (!sought.length) {
      return [];
    }
    var found = null;
    var inTitle = new Set();
    sought.forEach(function (word) {
      var shard = shards[shardKey(word)];
      var holding = startingWith(shard.words, word);
      found = found === null ? holding : new Set(Array.from(found).filter(function (p) { return holding.has(p); }));
      startingWith(shard.titles, word).forEach(function (p) { inTitle.add(p); });
    });
    return Array.from(found).sort(function (a, b) {
      return (inTitle.has(a) ? 0 : 1) - (inTitle.has(b) ? 0 : 1) || a - b;
    });
  }

  // The title in [piece, marked] runs: each word that begins with a word sought is marked.
  function marked(text, sought) {
    var pieces = [];
    runs(text.normalize("NFC")).forEach(function (run) {
      var hit = run[1] && anyStartsWith(words(run[0]), sought);
      if (pieces.length && pieces[pieces.length - 1][1] === hit) {
        pieces[pieces.length - 1][0] += run[0];
      } else {
        pieces.push([run[0], hit]);
      }
    });
    return pieces;
  }

  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  function resultItem(event, sought, index, area) {
    var item = element("li", "search-result" + (event[5] === "cancelled" ? " is-cancelled" : ""));
    var title = element("p", "event-title");
    var link = element("a");
    link.href = event[0];
    if (event[2] !== document.documentElement.lang) { link.lang = event[2]; }
    marked(event[1], sought).forEach(function (piece) {
      link.appendChild(piece[1] ? element("mark", "", piece[0]) : document.createTextNode(piece[0]));
    });
    title.appendChild(link);
    if (event[5] === "cancelled" || event[5] === "tentative") {
      title.appendChild(element("span", "badge badge-" + event[5], area.getAttribute("data-" + event[5])));
    }
    var meta = element("p", "event-meta");
    meta.appendChild(element("span", "event-date", event[3]));
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(element("span", "calendar-name", index.calendars[event[4]]));
    item.appendChild(title);
    item.appendChild(meta);
    return item;
  }

  function show(area, index, shards, query) {
    var sought = queryWords(query);
    var hits = search(shards, sought).map(function (position) { return index.events[position]; });
    var shown = Math.min(hits.length, Number(area.getAttribute("data-shown")));
    var list = document.getElementById("search-list");
    var count = document.getElementById("search-count");
    hits.slice(0, shown).forEach(function (event) { list.appendChild(resultItem(event, sought, index, area)); });
    if (hits.length) {
      count.textContent = area.getAttribute("data-found").replace("{count}", hits.length) +
        (hits.length > shown ? " " + area.getAttribute("data-more").replace("{count}", shown) : "");
      count.hidden = false;
      list.hidden = false;
    } else {
      document.getElementById("search-none").hidden = false;
    }
  }

  function say(area, message) {
    var count = document.getElementById("search-count");
    count.textContent = message;
    count.className = "notice";
    count.hidden = false;
  }

  // For tests of the folding table in a browser.
  window.calendarSearch = { fold: fold, words: words, queryWords: queryWords, shardKey: shardKey, marked: marked };

  var area = document.getElementById("search-results");
  var asked = new URLSearchParams(window.location.search).get("q");
  if (!area || !area.getAttribute("data-index") || asked === null) {
    return;
  }
  if (CONTROL_CHAR.test(asked)) {
    say(area, area.getAttribute("data-control"));
    return;
  }
  var limit = Number(area.getAttribute("data-max-length"));
  var characters = Array.from(asked.trim());
  var query = characters.slice(0, limit).join("").trim();
  document.getElementById("search-query").value = query;
  document.getElementById("search-cut").hidden = characters.length <= limit;
  if (!query) {
    return;
  }
  document.title = query + " · " + document.title;
  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
      return response.json();
    });
  }

  // The list of events, then the parts of the word index the query's words begin in.
  load(area.getAttribute("data-index")).then(function (index) {
    var keys = queryWords(query).map(shardKey).filter(function (key, i, all) { return all.indexOf(key) === i; });
    return Promise.all(keys.map(function (key) { return load(index.words[key]); })).then(function (parts) {
      var shards = {};
      keys.forEach(function (key, i) { shards[key] = parts[i]; });
      show(area, index, shards, query);
    });
  }).catch(function () { say(area, area.getAttribute("data-failed")); });
})();
