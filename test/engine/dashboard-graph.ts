// A physical graph for the session dashboard tests: its progress is held by a gate (a bash
// app waiting for the file `go` in the session directory), so a test decides when drops
// change state; one branch fails with a message on stderr.
//
//   gate ─► gated ─► work × width ─► res × width        fail ─► fail-out
//
// Every drop carries the lg_key of the LG node it would come from.

export function dashboardGraph(width = 5, gateFile = 'go'): Record<string, unknown>[] {
  const app = (oid: string, lgKey: string, extra: Record<string, unknown>) => ({ oid, lg_key: lgKey, name: lgKey, categoryType: 'Application', ...extra });
  const data = (oid: string, lgKey: string, extra: Record<string, unknown> = {}) => ({ oid, lg_key: lgKey, name: lgKey, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', ...extra });
  const work = Array.from({ length: width }, (_, i) => `work_${i}`);
  return [
    app('gate', 'gate', { dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: `while [ ! -f ${gateFile} ]; do sleep 0.05; done; echo open`, outputs: ['gated'] }),
    data('gated', 'gated', { producers: ['gate'], consumers: work }),
    ...work.map((w, i) => app(w, 'work', { dropclass: 'dlg.apps.simple.SleepApp', sleep_time: 0, inputs: ['gated'], outputs: [`res_${i}`] })),
    ...work.map((w, i) => data(`res_${i}`, 'res', { producers: [w] })),
    app('fail', 'fail', { dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: "echo 'about to fail' >&2; exit 3", outputs: ['fail-out'] }),
    data('fail-out', 'fail-out', { producers: ['fail'] }),
  ];
}
