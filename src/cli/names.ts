/**
 * @module cli/names
 * Validates the names users type and derives file, class and path names from them.
 */
import { UsageError } from './usage-error';

const NAME = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;
const ROUTE = /^\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*)?(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))*$/;
const PACKAGE = /^[a-z0-9][a-z0-9._-]*$/;

/** The forms of one name: `user-profile`, `UserProfile`, `userProfile`. */
export interface NameForms {
  kebab: string;
  pascal: string;
  camel: string;
}

/** Checks a controller name (`chat`, `user-profile`, `UserProfile`) and returns its forms. */
export function controllerName(input: string | undefined): NameForms {
  if (input === undefined || input === '') throw new UsageError('Missing controller name, e.g. `ws-controllers generate controller chat`.');
  if (!NAME.test(input)) {
    throw new UsageError(
      `Invalid controller name '${input}': use letters and digits, optionally separated by '-' or '_', starting with a letter (e.g. chat, user-profile).`,
    );
  }
  const words = input
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .split(/[-_]/)
    .map((w) => w.toLowerCase());
  const kebab = words.join('-');
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (pascal.toLowerCase().endsWith('controller')) {
    throw new UsageError(`Invalid controller name '${input}': leave out the 'Controller' suffix, it is added for you.`);
  }
  return { kebab, pascal, camel: pascal.charAt(0).toLowerCase() + pascal.slice(1) };
}

/** Checks a controller path such as `/chat` or `/rooms/:roomId`. */
export function routePath(input: string): string {
  if (!ROUTE.test(input) || input === '/') {
    throw new UsageError(`Invalid path '${input}': expected something like /chat or /rooms/:roomId.`);
  }
  return input;
}

/** Checks a directory name used as an npm package name by `new`. */
export function packageName(input: string): string {
  if (!PACKAGE.test(input) || input.length > 214) {
    throw new UsageError(
      `Invalid project name '${input}': the folder name becomes the npm package name, so use lower-case letters, digits, '-', '.' or '_'.`,
    );
  }
  return input;
}
