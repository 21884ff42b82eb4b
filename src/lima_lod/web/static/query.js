// The query page's script: replaces the plain form with YASGUI when YASGUI's files are served
// here (make install puts them under /static/vendor/yasgui/), else leaves the form as it is.
// A static file, not an inline script, so the page works under "script-src 'self'".
(function () {
  'use strict';

  var holder = document.getElementById('editor');
  var form = document.getElementById('query-form');
  if (!holder || !form || typeof window.Yasgui !== 'function') {
    return; // the plain form works on its own
  }
  var config = JSON.parse(holder.getAttribute('data-config'));
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var params = new URLSearchParams(window.location.search);
  var view = config.views.indexOf(params.get('view')) >= 0 ? params.get('view') : config.views[0];
  var share = document.getElementById('share');
  var permalink = document.getElementById('permalink');
  var downloads = document.getElementById('downloads');
  var results = document.getElementById('results');

  // Our own IRIs link to this server's pages (/id/... -> 303 -> /doc/...), others stay as they
  // are: YASR's table writes each IRI's link through this method, so every page of the table
  // (DataTables draws rows lazily) gets local links.
  var Table = window.Yasgui.Yasr.plugins.table;
  Table.defaults.openIriInNewWindow = false; // our pages open in place, like any link
  var link = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    var html = link.call(this, binding, prefixes);
    if (binding.value.indexOf(config.base) !== 0) { return html; }
    var cell = document.createElement('template');
    cell.innerHTML = html; // YASR's own sanitised markup, read back to change one attribute
    Array.prototype.forEach.call(cell.content.querySelectorAll('a'), function (a) {
      a.setAttribute('href', '/' + binding.value.substring(config.base.length));
    });
    return cell.innerHTML;
  };

  function pageLink(query, extra) {
    var search = new URLSearchParams({ query: query });
    Object.keys(extra).forEach(function (key) { search.set(key, extra[key]); });
    return new URL('sparql?' + search.toString(), window.location.href).href;
  }

  function kindOf(yasqe) {
    var type = yasqe.getQueryType ? yasqe.getQueryType() : 'SELECT';
    return (type === 'CONSTRUCT' || type === 'DESCRIBE') ? 'graph' : 'solutions';
  }

  function permalinkFor(tab) {
    var yasr = tab.getYasr();
    var chosen = yasr && yasr.getSelectedPluginName ? yasr.getSelectedPluginName() : view;
    return pageLink(tab.getQuery(), { view: chosen || view });
  }

  // The download links (one per format of the query's kind) and the permalink follow the query.
  function update(tab) {
    var query = tab.getQuery();
    permalink.href = permalinkFor(tab);
    while (downloads.firstChild) { downloads.removeChild(downloads.firstChild); }
    config.formats[kindOf(tab.getYasqe())].forEach(function (name) {
      var a = document.createElement('a');
      a.href = pageLink(query, { format: name });
      a.setAttribute('download', '');
      a.textContent = name;
      downloads.appendChild(document.createTextNode(' '));
      downloads.appendChild(a);
    });
    share.hidden = false;
  }

  var yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: 'POST' },
    copyEndpointOnNewTab: true,
    persistenceId: null, // no state carried over from another visit: the URL says it all
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      value: config.query || config.default,
      autocompleters: ['variables'], // the others ask third-party services
      editorHeight: '18rem',
      createShareableLink: function () { return permalinkFor(yasgui.getTab()); },
    },
    yasr: {
      prefixes: config.prefixes,
      defaultPlugin: view,
      pluginOrder: config.views,
      persistenceId: null,
    },
  });

  // Names for YASGUI's unlabelled controls (axe-core: "label", "select-name"), and keyboard
  // access to the editor's scrolling area; done again after each redraw of the results.
  function label() {
    var named = [
      ['.yasqe textarea', config.labels.editor], ['.yasgui input.autocomplete', config.labels.endpoint],
      ['.yasr select.tableSizer', config.labels.pageSize], ['.yasr .tableFilter', config.labels.filter],
    ];
    named.forEach(function (pair) {
      Array.prototype.forEach.call(holder.querySelectorAll(pair[0]), function (el) {
        if (!el.getAttribute('aria-label')) { el.setAttribute('aria-label', pair[1]); }
      });
    });
    Array.prototype.forEach.call(holder.querySelectorAll('.CodeMirror-scroll'), function (el) {
      el.setAttribute('tabindex', '0');
    });
  }

  holder.hidden = false;
  form.hidden = true;
  var tab = yasgui.getTab();
  // "Simple view" first: values as people read them; its switch shows datatypes and tags.
  tab.getYasr().config.plugins.table.dynamicConfig = { compact: true, isEllipsed: true, pageSize: 50 };
  tab.setQuery(config.query || config.default);
  yasgui.on('queryResponse', function (instance, current) {
    if (results) { results.hidden = true; } // the server's table, shown without the editor
    update(current);
  });
  tab.getYasr().on('drawn', function () { label(); update(yasgui.getTab()); });
  label();

  // The example queries: one click loads one into the editor and runs it.
  Array.prototype.forEach.call(document.querySelectorAll('a.example'), function (a) {
    a.addEventListener('click', function (event) {
      event.preventDefault();
      var current = yasgui.getTab();
      current.setQuery(new URL(a.href).searchParams.get('query'));
      current.query();
      holder.scrollIntoView();
    });
  });

  if (config.query) {
    if (results) { results.hidden = true; }
    tab.query();
  }
}());
