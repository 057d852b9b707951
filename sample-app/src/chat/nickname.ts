/**
 * @module sample-app/chat/nickname
 * The rule a nickname given at connect (`?name=`) must follow.
 */

/** Letters, digits, `_`, `-` and `.`; 2 to 20 of them. */
const NICKNAME = /^[\p{L}\p{N}_.-]{2,20}$/u;

/** Why a nickname is refused, or `undefined` when it is fine. */
export function nicknameProblem(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return 'Choose a nickname: connect with ?name=<nickname>';
  if (!NICKNAME.test(name)) return 'A nickname is 2 to 20 letters, digits, "_", "-" or "."';
  return undefined;
}
