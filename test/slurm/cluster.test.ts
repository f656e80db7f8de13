// The test harness itself: a private SLURM runs a batch job with three tasks on one host,
// and the job is gone from the queue and recorded as COMPLETED afterwards.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobGone, needsSlurm } from './cluster.ts';

const slurm = await needsSlurm(test);
if (slurm) {
  test('sbatch runs a three-task job on the private cluster; squeue and sacct see it end', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-job-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'job.sh');
    writeFileSync(script, '#!/bin/bash\nscontrol show hostnames "$SLURM_JOB_NODELIST"\nsrun bash -c \'echo "task $SLURM_PROCID on $SLURMD_NODENAME"\' | sort\n');
    const sub = await slurm.run('sbatch', ['--parsable', '--ntasks=3', '--overcommit', '--time=00:01:00', `--output=${join(dir, 'out.log')}`, script]);
    t.is(sub.code, 0, sub.stderr + slurm.logs());
    const jobId = sub.stdout.trim().split(';')[0]!;
    t.regex(jobId, /^\d+$/);
    t.true(await jobGone(slurm, jobId, 30_000), slurm.logs());
    t.is(readFileSync(join(dir, 'out.log'), 'utf8'), 'localhost\ntask 0 on localhost\ntask 1 on localhost\ntask 2 on localhost\n');
    const acct = await slurm.run('sacct', ['--completion', '-n', '-P', '-j', jobId, '-o', 'JobID,State,ExitCode']);
    t.is(acct.code, 0, acct.stderr);
    t.is(acct.stdout.trim(), `${jobId}|COMPLETED|0:0`);
  });
}
