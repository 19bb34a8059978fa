// ui-fragments/assets/documents.js — Client Documents: drag and drop and an upload progress
// bar for the upload forms, resumable uploads (tus-js-client, SPEC X2) in the client area, and
// confirmations for destructive admin forms. Pages work without it (plain form posts).
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

  // The extra fields of an upload form, by key (the tus metadata).
  function fieldValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll('.cd-fields [name]'), function (el) {
      out[el.name] = el.value;
    });
    return out;
  }

  // The message for a refused tus request, in the page's language (the form holds the texts).
  function tusErrorText(form, err) {
    var status = err && err.originalResponse ? err.originalResponse.getStatus() : 0;
    if (status === 413) return form.getAttribute('data-cd-too-large') || '';
    if (status === 415) return form.getAttribute('data-cd-wrong-kind') || '';
    return text('[data-cd-text-failed]', 'Upload failed');
  }

  // One file through tus (form[data-cd-tus]): a phone on a bad connection resumes where it
  // stopped (after a cut, a reload or a pause) instead of starting again.
  function tusUpload(form, file, bar, button) {
    var metadata = fieldValues(form);
    metadata.type_id = form.getAttribute('data-cd-type');
    metadata.filename = file.name;
    var pause = form.querySelector('[data-cd-pause]');
    var paused = false;
    var upload = new window.tus.Upload(file, {
      endpoint: form.getAttribute('data-cd-tus'),
      chunkSize: parseInt(form.getAttribute('data-cd-tus-chunk'), 10) || Infinity,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      metadata: metadata,
      // JSON errors, and no access gate of the pages in the way of HEAD.
      headers: { 'X-CSRF-Token': form.getAttribute('data-cd-csrf') || '', Accept: 'application/json' },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        if (bar && total) bar.value = Math.round(sent * 100 / total);
      },
      onShouldRetry: function (err, attempt, options) {
        var status = err && err.originalResponse ? err.originalResponse.getStatus() : 0;
        var retry = status === 0 || status === 409 || status === 423 || status >= 500;
        if (retry) showMessage(form, text('[data-cd-text-retrying]', '…'), false);
        return retry;
      },
      onSuccess: function () {
        window.location.assign(form.getAttribute('data-cd-done'));
      },
      onError: function (err) {
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        if (pause) pause.hidden = true;
        showMessage(form, tusErrorText(form, err), true);
      }
    });
    if (pause) {
      pause.hidden = false;
      pause.textContent = text('[data-cd-text-pause]', 'Pause');
      pause.onclick = function () {
        paused = !paused;
        pause.textContent = text(paused ? '[data-cd-text-resume]' : '[data-cd-text-pause]', '');
        if (paused) upload.abort(); else upload.start();
      };
    }
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, function () { upload.start(); });
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
      if (bar) { bar.hidden = false; bar.value = 0; }
      if (button) button.disabled = true;
      showMessage(form, text('[data-cd-text-progress]', '…'), false);
      var tus = window.tus;
      if (tus && tus.isSupported && form.getAttribute('data-cd-tus') && input && input.files.length === 1) {
        tusUpload(form, input.files[0], bar, button);
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
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
