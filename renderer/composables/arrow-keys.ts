// Arrow keys within a group of buttons (the state pickers on the card and in the status bar, issue
// 13 items 1 and 10): Right/Down next, Left/Up previous, both wrapping; Home first, End last.

/** Moves focus for a key within `buttons`; true when the key was one of these (the caller's event is
 *  then handled), false for any other key or when focus is not in the group. */
export function moveFocusByKey(event: KeyboardEvent, buttons: readonly HTMLElement[]): boolean {
  const at = buttons.findIndex((button) => button === document.activeElement);
  if (at < 0 || buttons.length === 0) return false;
  let next: number;
  switch (event.key) {
    case 'ArrowRight':
    case 'ArrowDown':
      next = (at + 1) % buttons.length;
      break;
    case 'ArrowLeft':
    case 'ArrowUp':
      next = (at - 1 + buttons.length) % buttons.length;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = buttons.length - 1;
      break;
    default:
      return false;
  }
  event.preventDefault();
  buttons[next]?.focus();
  return true;
}
