// The lab's login.<region> pages: the sign-in form (the selectors e2e tests and agents fill:
// input[name=username], input[name=password], button[type=submit]) and short notices.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}' +
    'input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#a00}</style>' +
    `</head><body><main>${body}</main></body></html>`
  );
}

export interface LoginFormOptions {
  action: string;
  cancelHref: string;
  loginHint?: string;
  org?: string;
  provider?: string;
  error?: string;
}

export function loginFormPage(options: LoginFormOptions): string {
  const hints = [
    options.org === undefined ? '' : `<p>Organization: <strong>${escapeHtml(options.org)}</strong></p>`,
    // Federation to an IdP by `provider` is not modelled: the hint is shown, the lab's own users sign in.
    options.provider === undefined ? '' : `<p>Identity provider hint: ${escapeHtml(options.provider)} (lab: sign in with a lab user)</p>`,
  ].join('');
  const error = options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`;
  return page(
    'Genesys Cloud (lab) — Log in',
    `<h1>Log in to Genesys Cloud (lab)</h1>${hints}${error}` +
      `<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">` +
      `<label for="username">Email or user name</label><input id="username" name="username" type="text" value="${escapeHtml(options.loginHint ?? '')}" autofocus>` +
      '<label for="password">Password</label><input id="password" name="password" type="password">' +
      '<button type="submit">Log In</button></form>' +
      `<p><a href="${escapeHtml(options.cancelHref)}">Cancel</a></p>`,
  );
}

export function noticePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
