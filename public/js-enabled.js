// Runs first in <body>: tells GOV.UK Frontend's styles that scripts run,
// and whether the browser is modern enough for its components.
document.body.className +=
  ' js-enabled' +
  ('noModule' in HTMLScriptElement.prototype
    ? ' govuk-frontend-supported'
    : '');
