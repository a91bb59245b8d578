// Lets people drop files on the upload form. The form works without
// this script: it only adds a zone that takes dropped files into the
// form's own file input and sends the form as it is, hidden CSRF field
// first, so the server sees exactly what a click on Upload sends.

for (const form of document.querySelectorAll('form[data-app-file-drop]')) {
  const input = form.querySelector('input[type="file"]');
  if (input && typeof DataTransfer !== 'undefined') {
    const zone = document.createElement('p');
    zone.className = 'govuk-inset-text app-file-drop';
    zone.textContent = 'Or drop files here to upload them.';
    input.closest('.govuk-form-group').after(zone);

    const active = (on) => {
      zone.classList.toggle('govuk-inset-text--active', on);
      zone.textContent = on
        ? 'Drop the files to upload them.'
        : 'Or drop files here to upload them.';
    };
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      active(true);
    });
    zone.addEventListener('dragleave', () => active(false));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      active(false);
      if (!event.dataTransfer || event.dataTransfer.files.length === 0) {
        return;
      }
      input.files = event.dataTransfer.files;
      zone.textContent = 'Uploading…';
      form.requestSubmit();
    });
  }
}
