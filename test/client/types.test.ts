import path from 'node:path';
import ts from 'typescript';

// Compiles the type tests with the project's compiler options: an unused `@ts-expect-error` is an
// error too, so both what must compile and what must not are checked.
test('the client type tests compile: typed payloads and results, and every expected error is one', () => {
  const root = path.join(__dirname, '../..');
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  // Ambient declarations of the project come along, as they do for `tsc -p .`.
  const ambient = parsed.fileNames.filter((file) => file.endsWith('.d.ts'));
  const program = ts.createProgram([path.join(__dirname, 'types/client-types.ts'), ...ambient], { ...parsed.options, noEmit: true });
  const mine = (file: string | undefined): boolean => file === undefined || /[\\/](test|src)[\\/]client[\\/]/.test(file);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => mine(d.file?.fileName)).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : '?';
    return `line ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(diagnostics).toEqual([]);
}, 120_000);
