/** Pieces of the README every runtime test builds on. */
import { codeBlock, codeBlocks } from './project';

/** The README's tsconfig block, comments removed. */
export function readmeTsconfig(): { compilerOptions: Record<string, unknown>; include?: string[] } {
  return JSON.parse(codeBlock('README.md', '## Installation', 'jsonc').replace(/\/\/[^\n]*/g, '')) as {
    compilerOptions: Record<string, unknown>;
  };
}

/** The README's Quick start, its `port: 3000` replaced by 0 (tests never take a fixed port). */
export function quickStart(): string {
  const code = codeBlock('README.md', '## Quick start', 'ts');
  if (!code.includes('{ port: 3000 }'))
    throw new Error('the Quick start no longer listens on { port: 3000 }');
  return code.replace('{ port: 3000 }', '{ port: 0 }');
}

/** The Quick start as a module file: everything but its last line (the bootstrap call), with the module exported. */
export function appModule(): string {
  const lines = quickStart().trimEnd().split('\n');
  return lines.slice(0, -1).join('\n').replace('class AppModule', 'export class AppModule') + '\n';
}

/** The README FAQ's metadata-free variant of the Quick start (for tsx). */
export function metadataFreeQuickStart(): string {
  const [code] = codeBlocks('README.md', '## FAQ', 'ts');
  if (code === undefined || !code.includes('@Payload(SayDto)'))
    throw new Error('the FAQ has no metadata-free Quick start');
  return code.replace('{ port: 3000 }', '{ port: 0 }');
}
