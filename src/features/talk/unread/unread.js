// Marks a thread's posts read as the reader scrolls them into view, by
// posting the page's own "Mark as read" form in the background. Without
// this script the form's button does the same in one click.
const form = document.querySelector('form[data-app-talk-read]');

if (form && 'IntersectionObserver' in window) {
  const positions = new Map(JSON.parse(form.dataset.posts || '[]'));
  let sent = Number(form.dataset.readTo || 0);
  let seen = sent;
  let timer;

  const send = () => {
    clearTimeout(timer);
    if (seen <= sent) {
      return;
    }
    const body = new URLSearchParams(new FormData(form));
    body.set('position', String(seen));
    sent = seen;
    // keepalive lets the last report finish as the reader leaves; the
    // redirect the server answers with is not followed.
    fetch(form.action, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      redirect: 'manual',
      keepalive: true,
    }).catch(() => {
      sent = 0;
    });
  };

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) {
          continue;
        }
        const id = Number(entry.target.id.replace('post-', ''));
        seen = Math.max(seen, Number(positions.get(id) || 0));
        observer.unobserve(entry.target);
      }
      clearTimeout(timer);
      timer = setTimeout(send, 1000);
    },
    { threshold: 0.5 },
  );

  for (const id of positions.keys()) {
    const post = document.getElementById(`post-${id}`);
    if (post) {
      observer.observe(post);
    }
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      send();
    }
  });
}
