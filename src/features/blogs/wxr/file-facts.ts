import sax from 'sax';

// For tests: what a WXR file holds, read with a plain sax pass that
// shares no code with the importer, so the importer's counts are checked
// against the file and not against themselves. It reads the usual
// prefixes (wp:, content:, excerpt:) as WordPress writes them, and stops
// at the first XML error, keeping the items read whole before it.

export interface FactComment {
  id: number;
  parent: number;
  approved: string;
  type: string;
}

export interface FactItem {
  id: number;
  type: string;
  status: string;
  password: string;
  title: string;
  content: string;
  excerpt: string;
  comments: FactComment[];
  terms: { domain: string; name: string }[];
}

export function readFileFacts(xml: string): FactItem[] {
  const items: FactItem[] = [];
  const parser = sax.parser(true, {});
  let item: Record<string, string> | undefined;
  let terms: FactItem['terms'] = [];
  let comments: FactComment[] = [];
  let comment: Record<string, string> | undefined;
  let domain = '';
  let text = '';
  let failed = false;
  parser.onopentag = (node) => {
    text = '';
    if (node.name === 'item') {
      item = {};
      terms = [];
      comments = [];
    } else if (node.name === 'wp:comment') {
      comment = {};
    } else if (node.name === 'category') {
      const value = node.attributes.domain;
      domain = typeof value === 'string' ? value : '';
    }
  };
  parser.ontext = (value) => (text += value);
  parser.oncdata = (value) => (text += value);
  parser.onclosetag = (name) => {
    const value = text.trim();
    text = '';
    if (name === 'item' && item) {
      items.push({
        id: Number(item['wp:post_id']),
        type: item['wp:post_type'] ?? '',
        status: item['wp:status'] ?? '',
        password: item['wp:post_password'] ?? '',
        title: item.title ?? '',
        content: item['content:encoded'] ?? '',
        excerpt: item['excerpt:encoded'] ?? '',
        comments,
        terms,
      });
      item = undefined;
    } else if (name === 'wp:comment' && comment) {
      comments.push({
        id: Number(comment['wp:comment_id']),
        parent: Number(comment['wp:comment_parent'] || 0),
        approved: comment['wp:comment_approved'] ?? '',
        type: comment['wp:comment_type'] ?? '',
      });
      comment = undefined;
    } else if (comment) {
      comment[name] = value;
    } else if (name === 'category' && item) {
      terms.push({ domain, name: value });
    } else if (item) {
      item[name] = value;
    }
  };
  parser.onerror = () => {
    failed = true;
  };
  parser.write(xml);
  if (!failed) {
    parser.close();
  }
  return items;
}

/** The peer case's file: CDATA after a line break, and a split section. */
export const BUG_19 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Peer</title><link>https://peer.example/</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item>
  <title>CDATA spacing</title>
  <wp:post_id>1</wp:post_id>
  <wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt>
  <wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
  <content:encoded>
		<![CDATA[<p>Hello <b>world</b></p>]]>
		</content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
</item>
<item>
  <title>Split section</title>
  <wp:post_id>2</wp:post_id>
  <wp:post_date_gmt>2024-01-03 10:00:00</wp:post_date_gmt>
  <wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
  <content:encoded><![CDATA[<p>The marker ]]]]><![CDATA[> ends CDATA.</p>]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
</item>
</channel>
</rss>
`;
