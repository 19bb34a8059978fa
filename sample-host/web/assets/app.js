// sample-host/web/assets/app.js — small progressive enhancements; every page works without it.
// Adds the CSRF field to POST forms that lack one, confirms dangerous actions, reads a CSV file into the import form,
// and turns a custom action's note into a small rich-text editor (bold, italic, lists, links) whose HTML goes into
// the hidden note_html field (the server sanitises it; without JS the textarea's text is sent and escaped).
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : '';
  document.querySelectorAll('form').forEach(function (form) {
    // Plugin fragments may forget the CSRF field; the server would refuse the post without it.
    if ((form.getAttribute('method') || '').toLowerCase() === 'post' && token && !form.querySelector('input[name="_csrf"]')) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = '_csrf';
      input.value = token;
      // First: the server reads a multipart form's first part for it (never the URL).
      form.insertBefore(input, form.firstChild);
    }
    var question = form.getAttribute('data-confirm');
    if (question) {
      form.addEventListener('submit', function (event) {
        if (!window.confirm(question)) event.preventDefault();
      });
    }
  });
  document.querySelectorAll('[data-csv-file]').forEach(function (fileInput) {
    fileInput.addEventListener('change', function () {
      var form = fileInput.form;
      var target = form && form.querySelector('textarea[name="csv"]');
      var file = fileInput.files && fileInput.files[0];
      if (!target || !file) return;
      var reader = new FileReader();
      reader.onload = function () { target.value = String(reader.result || ''); };
      reader.readAsText(file);
    });
  });
  document.querySelectorAll('[data-rich-editor]').forEach(function (editor) {
    var form = editor.closest('form');
    var area = editor.querySelector('[contenteditable]');
    var hidden = editor.querySelector('input[name="note_html"]');
    var fallback = form && form.querySelector('textarea[name="note"]');
    if (!form || !area || !hidden) return;
    editor.hidden = false;
    if (fallback) {
      fallback.hidden = true;
      fallback.disabled = true;
    }
    editor.querySelectorAll('[data-command]').forEach(function (button) {
      button.addEventListener('click', function () {
        var command = button.getAttribute('data-command');
        var value = null;
        if (command === 'createLink') {
          value = window.prompt(button.getAttribute('data-prompt') || 'URL', 'https://');
          if (!value) return;
        }
        area.focus();
        document.execCommand(command, false, value);
      });
    });
    form.addEventListener('submit', function () {
      hidden.value = area.textContent.trim() === '' && !area.querySelector('li') ? '' : area.innerHTML;
    });
  });
})();
