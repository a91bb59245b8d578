import type { MarkdownIt, StateCore, Token } from 'markdown-it';

// A list item whose text starts with `[ ]` or `[x]` is a task. Its box is
// shown ticked or not but cannot be changed on the page: the page is edited
// as Markdown. The box and the item's text share one <label>, so a screen
// reader announces the task's text as the box's name.
const TASK = /^\[([ xX])\](?=[ \t]|$)[ \t]*/;

function markTasks(state: StateCore): void {
  const tokens = state.tokens;
  tokens.forEach((inline, index) => {
    const item = tokens[index - 2];
    const first = inline.children?.[0];
    if (
      inline.type !== 'inline' ||
      item?.type !== 'list_item_open' ||
      tokens[index - 1]?.type !== 'paragraph_open' ||
      first?.type !== 'text'
    ) {
      return;
    }
    const match = TASK.exec(first.content);
    if (match === null) {
      return;
    }

    first.content = first.content.slice(match[0].length);
    const open = new state.Token('task_label_open', 'label', 1);
    open.meta = { checked: match[1] !== ' ' };
    const close = new state.Token('task_label_close', 'label', -1);
    inline.children = [open, ...(inline.children ?? []), close];
    item.attrJoin('class', 'app-task-list__item');
    const list = listOf(tokens, index - 2);
    if (list !== undefined && list.attrGet('class') === null) {
      list.attrSet('class', 'app-task-list');
    }
  });
}

/** The list that holds the item at `itemIndex`. */
function listOf(tokens: Token[], itemIndex: number): Token | undefined {
  const level = (tokens[itemIndex]?.level ?? 0) - 1;
  for (let index = itemIndex - 1; index >= 0; index -= 1) {
    const token = tokens[index];
    if (token?.level === level && token.nesting === 1) {
      return token;
    }
  }
  return undefined;
}

/** Renders GitHub-style task list items as disabled checkboxes. */
export function taskListPlugin(md: MarkdownIt): void {
  md.core.ruler.push('task_lists', markTasks);
  md.renderer.rules['task_label_open'] = (tokens, index) => {
    const checked = tokens[index]?.meta?.['checked'] === true;
    return (
      '<label class="app-task-list__label">' +
      '<input type="checkbox" class="app-task-list__checkbox" disabled' +
      (checked ? ' checked' : '') +
      '> '
    );
  };
  md.renderer.rules['task_label_close'] = () => '</label>';
}
