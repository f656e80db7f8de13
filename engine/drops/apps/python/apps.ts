// Application drops that run in a Python worker: PyFuncApp (and member functions), Branch
// with Python code, and DALiuGE's simple apps that need numpy or pickles. Each call sends
// the app's spec, inputs and outputs to a worker of the node's pool and applies the reply;
// an exception in Python fails the app with the traceback in the drop's log.

import { AppDrop } from '../../app.ts';
import { DropFailure } from '../../../errors.ts';
import { numberParam } from '../../spec.ts';
import type { LogLevel } from '../../drop.ts';
import { routeBranch } from '../branch.ts';
import { helloGreeting } from '../simple.ts';
import type { CallHandle } from './pool.ts';
import { applyOutputs, prepareCall, removeSinks } from './request.ts';
import { WorkerDied } from './worker.ts';

const LEVELS = new Set(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);

export abstract class PythonAppDrop extends AppDrop {
  private pyCall: CallHandle | null = null;
  /** The worker's name for this app: 'pyfunc', 'branch' or a dlg.apps.simple class name. */
  protected abstract readonly kind: string;

  protected async callPython(): Promise<Record<string, unknown>> {
    const pool = this.host.python;
    if (pool === undefined) throw new DropFailure('this engine has no Python runtime configured');
    const { header, blobs, sinks } = await prepareCall(this, this.kind, pool);
    const timeoutS = numberParam(this.spec, 'timeout', pool.timeoutS ?? 0);
    const call = pool.call(header, blobs, {
      timeoutMs: timeoutS > 0 ? timeoutS * 1000 : undefined,
      onOutput: (stream, text) => this.log(stream === 'stderr' ? 'WARNING' : 'INFO', `${stream}: ${text.trimEnd()}`, 'run'),
    });
    this.pyCall = call;
    let reply: Record<string, unknown>;
    let replyBlobs: Buffer[];
    try {
      const f = await call.reply;
      reply = f.header;
      replyBlobs = f.blobs;
    } catch (err) {
      removeSinks(sinks);
      if (err instanceof WorkerDied) throw new DropFailure(`${err.message} (the app ran in ${pool.python})`);
      throw err;
    } finally {
      this.pyCall = null;
    }
    for (const entry of Array.isArray(reply.logs) ? (reply.logs as [string, string][]) : []) {
      const level = LEVELS.has(entry[0]) ? (entry[0] as LogLevel) : 'INFO';
      this.log(level, String(entry[1]), 'run');
    }
    if (reply.ok !== true) {
      removeSinks(sinks);
      if (typeof reply.traceback === 'string') this.log('ERROR', `Python traceback:\n${reply.traceback.trimEnd()}`, 'run');
      throw new DropFailure(String(reply.error ?? 'the Python app failed'));
    }
    try {
      applyOutputs(this, reply, replyBlobs);
    } catch (err) {
      removeSinks(sinks);
      throw err;
    }
    return reply;
  }

  protected override abort(): void {
    this.pyCall?.cancel('the app was cancelled');
  }
}

/** dlg.apps.pyfunc.PyFuncApp: a Python function; PythonMemberFunction nodes are these too. */
export class PyFuncApp extends PythonAppDrop {
  protected readonly kind = 'pyfunc';
  protected async run(): Promise<void> {
    await this.callPython();
  }
}

/** dlg.apps.simple.Branch with Python code: the function decides, the engine routes the data. */
export class PythonBranch extends PythonAppDrop {
  protected readonly kind = 'branch';
  protected async run(): Promise<void> {
    const reply = await this.callPython();
    this.log('INFO', `condition returned ${String(reply.repr)}`, 'run');
    await routeBranch(this, reply.result === true);
  }
}

/** A dlg.apps.simple class implemented by the worker (simple.py), with DALiuGE's encodings. */
export function simplePythonApp(name: string): new (...a: ConstructorParameters<typeof AppDrop>) => PythonAppDrop {
  return class extends PythonAppDrop {
    protected readonly kind = name;
    protected async run(): Promise<void> {
      await this.callPython();
    }
  };
}

/**
 * dlg.apps.simple.HelloWorldApp runs here, natively; only an input holding a pickled object
 * that needs Python to rebuild (a numpy array...) sends it to a worker.
 */
export class HelloWorldApp extends PythonAppDrop {
  protected readonly kind = 'HelloWorldApp';
  protected async run(): Promise<void> {
    const greeting = await helloGreeting(this);
    if (greeting === undefined) await this.callPython();
    else this.writeAll(greeting);
  }
}
