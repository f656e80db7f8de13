import test from 'ava';
import { Writable } from 'node:stream';
import { CODES, error, warning, type Diagnostic } from '../../kernel/diagnostics.ts';
import { formatGithub, formatText, printDiagnostics, summaryLine, useColor, countOutcome } from '../../kernel/report.ts';

const diag: Diagnostic = error(CODES.LINK_UNKNOWN_PORT, 'link #0 toPort names port x', {
  file: 'g.graph',
  nodeId: 'n1',
  nodeName: 'HelloWorldApp',
  port: 'x',
  pointer: '/linkDataArray/0/toPort',
  line: 12,
  column: 5,
});

function sink(isTTY = false) {
  let out = '';
  const s = new Writable({
    write(chunk, _enc, cb) {
      out += chunk;
      cb();
    },
  }) as Writable & { isTTY?: boolean };
  s.isTTY = isTTY;
  return { stream: s, text: () => out };
}

test('text: file, node name and id, severity and code, message, port and pointer', (t) => {
  t.is(formatText(diag), "g.graph:12:5: HelloWorldApp (n1): error DLG3004: link #0 toPort names port x [port 'x'] at /linkDataArray/0/toPort");
  t.is(formatText(warning(CODES.EMPTY_GRAPH, 'm')), 'warning DLG1007: m');
});

test('colours only on a TTY, never with NO_COLOR, always with FORCE_COLOR', (t) => {
  t.false(useColor({ isTTY: false }, {}));
  t.true(useColor({ isTTY: true }, {}));
  t.false(useColor({ isTTY: true }, { NO_COLOR: '1' }));
  t.true(useColor({ isTTY: false }, { FORCE_COLOR: '1' }));
  const plain = sink(false);
  printDiagnostics([diag], { format: 'text', stream: plain.stream });
  t.false(plain.text().includes('\u001b['));
  const coloured = sink(true);
  printDiagnostics([diag], { format: 'text', stream: coloured.stream, color: true });
  t.true(coloured.text().includes('\u001b['));
});

test('json: an array of the diagnostics', (t) => {
  const s = sink();
  printDiagnostics([diag, warning(CODES.APP_TO_APP_LINK, 'w')], { format: 'json', stream: s.stream });
  const parsed = JSON.parse(s.text());
  t.is(parsed.length, 2);
  t.deepEqual(parsed[0], diag);
  const empty = sink();
  printDiagnostics([], { format: 'json', stream: empty.stream });
  t.deepEqual(JSON.parse(empty.text()), []);
});

test('github: workflow annotation lines, escaped', (t) => {
  t.is(formatGithub(diag), "::error file=g.graph,line=12,col=5,title=DLG3004::HelloWorldApp (n1): link #0 toPort names port x (port 'x', at /linkDataArray/0/toPort)");
  const w = formatGithub(warning(CODES.APP_TO_APP_LINK, '50% done\nnext', { file: 'a,b:c.graph' }));
  t.is(w, '::warning file=a%2Cb%3Ac.graph,title=DLG3005::50%25 done%0Anext');
});

test('quiet leaves warnings out', (t) => {
  const s = sink();
  printDiagnostics([diag, warning(CODES.APP_TO_APP_LINK, 'w')], { format: 'text', stream: s.stream, quiet: true });
  t.is(s.text().trim().split('\n').length, 1);
});

test('summary line', (t) => {
  const outcomes = [countOutcome('a', []), countOutcome('b', [diag, diag, diag, diag, warning(CODES.APP_TO_APP_LINK, 'w')]), countOutcome('c', [])];
  t.is(summaryLine(outcomes), '3 files: 2 ok, 1 with errors (4 errors, 1 warning)');
  t.is(summaryLine([countOutcome('a', [warning(CODES.APP_TO_APP_LINK, 'w')])]), '1 file: 0 ok, 1 with warnings (1 warning)');
});
