// ui-fragments/assets/documents.js — Client Documents: drag and drop and an upload progress
// bar for the upload forms, and confirmations for destructive admin forms. Pages work without it.
(function () {
  'use strict';

  function text(selector, fallback) {
    var el = document.querySelector(selector);
    return el ? el.textContent : fallback;
  }

  function showMessage(form, message, isError) {
    var box = form.querySelector('.cd-upload-message');
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
    box.className = 'cd-upload-message' + (isError ? ' cd-notice cd-notice-error' : '');
  }

  // Drag and drop onto the file input's label: the dropped files become the input's.
  function wireDrop(form) {
    var zone = form.querySelector('[data-cd-drop]');
    var input = form.querySelector('input[type=file]');
    if (!zone || !input) return;
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (e) {
        e.preventDefault();
        zone.classList.add('cd-drop-active');
      });
    });
    ['dragleave', 'drop'].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove('cd-drop-active'); });
    });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      try {
        input.files = e.dataTransfer.files;
      } catch (err) {
        return;  // Old browsers: the visitor can still choose the file.
      }
      var hint = zone.querySelector('.cd-drop-hint');
      if (hint) hint.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(', ');
    });
    input.addEventListener('change', function () {
      var hint = zone.querySelector('.cd-drop-hint');
      if (hint && input.files.length) {
        hint.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(', ');
      }
    });
  }

  // Sends the form with XMLHttpRequest to show progress; the server answers JSON when
  // asked (Accept: application/json). Any failure to even start falls back to a normal post.
  function wireProgress(form) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    form.addEventListener('submit', function (e) {
      // Refuse a file past the limit before sending megabytes for nothing; the server
      // enforces the same limit anyway.
      var input = form.querySelector('input[type=file]');
      var max = input ? parseInt(input.getAttribute('data-cd-max-size'), 10) : 0;
      if (input && max) {
        for (var i = 0; i < input.files.length; i++) {
          if (input.files[i].size > max) {
            e.preventDefault();
            showMessage(form, input.getAttribute('data-cd-too-large') || '', true);
            return;
          }
        }
      }
      e.preventDefault();
      var bar = form.querySelector('.cd-progress');
      var button = form.querySelector('button[type=submit]');
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      if (bar) { bar.hidden = false; bar.value = 0; }
      if (button) button.disabled = true;
      showMessage(form, text('[data-cd-text-progress]', '…'), false);
      xhr.upload.addEventListener('progress', function (ev) {
        if (bar && ev.lengthComputable) bar.value = Math.round(ev.loaded * 100 / ev.total);
      });
      xhr.addEventListener('load', function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.redirect) {
          window.location.assign(body.redirect);
          return;
        }
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        var message = body && body.error && body.error.message;
        showMessage(form, message || text('[data-cd-text-failed]', 'Upload failed'), true);
      });
      xhr.addEventListener('error', function () {
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        showMessage(form, text('[data-cd-text-failed]', 'Upload failed'), true);
      });
      xhr.send(new FormData(form));
    });
  }

  // Forms that destroy something ask first (data-cd-confirm holds the question).
  function wireConfirm(form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-cd-confirm'))) e.preventDefault();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-cd-upload]'), function (form) {
      wireDrop(form);
      wireProgress(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll('form[data-cd-confirm]'), wireConfirm);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
