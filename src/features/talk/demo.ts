import type { Db } from '../../database.ts';
import { ensureSiteCategory } from './categories.ts';
import { appendPost } from './posts.ts';
import { createThread } from './threads.ts';

/**
 * Site-wide Talk categories for the demo, with a few discussions in them,
 * so that Talk shows how it is used on the first start. `authors` are
 * demo people, the first of them the site administrator.
 */
export async function seedDemoTalk(
  db: Db,
  authors: readonly { id: number; name: string }[],
  now = new Date().toISOString(),
): Promise<number> {
  const [admin, first, second] = authors;
  if (!admin || !first || !second) {
    return 0;
  }
  const by = (person: { id: number; name: string }) => ({
    authorId: person.id,
    authorName: person.name,
  });
  const news = await ensureSiteCategory(
    db,
    'announcements',
    'Announcements',
    now,
  );
  await ensureSiteCategory(db, 'ways-of-working', 'Ways of working', now);
  const questions = await ensureSiteCategory(
    db,
    'ask-the-organisation',
    'Ask the organisation',
    now,
  );
  await createThread(db, {
    categoryId: news.id,
    title: 'Welcome to CivilMedia',
    body:
      'This is where colleagues from every department talk. Start a ' +
      'discussion in a category, or post a short status on **Talk**.',
    createdAt: now,
    ...by(admin),
  });
  const question = await createThread(db, {
    categoryId: questions.id,
    title: 'Who looks after the shared meeting-room booking system?',
    body: 'Our team needs rooms in two buildings. Who should we ask?',
    isQuestion: true,
    createdAt: now,
    ...by(first),
  });
  await appendPost(db, question.threadId, {
    body: 'Facilities run it; the service desk can add your team to it.',
    createdAt: now,
    ...by(second),
  });
  return 2;
}
