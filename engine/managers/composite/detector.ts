// The one place that decides a child manager is lost. Every `intervalMs` each child is probed
// (GET /api); a child is lost when no probe has succeeded for `deadlineMs`, or when two probes
// in a row find its port closed (the process is gone; the second probe follows quickly, to
// rule out a fluke). Time during which this process itself could not run (a long synchronous
// graph split) does not count against the children: the detector cannot tell a silent child
// from its own stall, so it only judges time it observed. A child still working on a request
// of ours (a large append or deploy keeps a node busy) is given BUSY_DEADLINE_MS instead; any
// answer from it counts as a successful probe.

export type ChildState = 'unknown' | 'up' | 'lost';

/** What a call raced with raceLoss ends with when its child is declared lost. */
export class ChildLost extends Error {}

export interface DetectorOptions {
  intervalMs: number;
  deadlineMs: number;
  /** GET /api of a child within `timeoutMs`; rejects on any failure. */
  probe(child: string, timeoutMs: number): Promise<unknown>;
  /** Every successful probe, with the child's answer and the state it was in before. */
  onAnswer(child: string, answer: unknown, before: ChildState): void;
  /** The child was declared lost (once per loss). */
  onLost(child: string, why: string): void;
}

interface Watch {
  state: ChildState;
  lastOk: number;
  /** Our heavy requests (append, deploy) to the child that have not been answered yet. */
  calls: number;
  /** Rejecters of the promises given by whenLost. */
  losers: ((err: Error) => void)[];
  refused: number;
  inFlight: boolean;
  lastError: string;
  quick: NodeJS.Timeout | undefined;
}

const TICK_MS = 250;
const BUSY_DEADLINE_MS = 60_000;

function refusedConnection(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; cause?: { code?: string } } }).cause;
  const code = cause?.code ?? cause?.cause?.code ?? (err as { code?: string }).code;
  return code === 'ECONNREFUSED';
}

export class FailureDetector {
  private readonly watched = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private sinceProbe = 0;

  constructor(private readonly opts: DetectorOptions) {}

  watch(child: string): void {
    if (!this.watched.has(child)) this.watched.set(child, { state: 'unknown', lastOk: performance.now(), calls: 0, losers: [], refused: 0, inFlight: false, lastError: '', quick: undefined });
    if (this.timer) this.probe(child);
  }

  unwatch(child: string): void {
    clearTimeout(this.watched.get(child)?.quick);
    this.watched.delete(child);
  }

  state(child: string): ChildState {
    return this.watched.get(child)?.state ?? 'unknown';
  }

  lastError(child: string): string {
    return this.watched.get(child)?.lastError ?? '';
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = performance.now();
    this.timer = setInterval(this.tick, TICK_MS);
    this.timer.unref();
    for (const c of this.watched.keys()) this.probe(c);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.watched.values()) clearTimeout(w.quick);
  }

  /** `call`, or a rejection as soon as the child is declared lost, whichever comes first. */
  raceLoss<T>(child: string, call: Promise<T>): Promise<T> {
    const w = this.watched.get(child);
    if (!w) return call;
    return new Promise<T>((resolve, reject) => {
      const lost = (err: Error) => reject(err);
      w.losers.push(lost);
      const done = () => {
        const i = w.losers.indexOf(lost);
        if (i >= 0) w.losers.splice(i, 1);
      };
      call.then(
        (v) => (done(), resolve(v)),
        (e: unknown) => (done(), reject(e)),
      );
    });
  }

  /** One of our requests to the child; `heavy` ones (a graph to parse, drops to build) keep it busy. */
  callStarted(child: string, heavy: boolean): void {
    const w = this.watched.get(child);
    if (w && heavy) w.calls++;
  }

  callEnded(child: string, heavy: boolean, answered: boolean): void {
    const w = this.watched.get(child);
    if (!w) return;
    if (heavy) w.calls = Math.max(0, w.calls - 1);
    if (answered) w.lastOk = Math.max(w.lastOk, performance.now());
  }

  /** Probe a child now (a call to it just failed). */
  suspect(child: string): void {
    if (this.timer) this.probe(child);
  }

  private readonly tick = (): void => {
    const now = performance.now();
    const gap = now - this.lastTick;
    this.lastTick = now;
    // We were stalled: time nobody could observe does not count against the children.
    if (gap > TICK_MS + 500) for (const w of this.watched.values()) w.lastOk += gap - TICK_MS;
    this.sinceProbe += gap;
    if (this.sinceProbe < this.opts.intervalMs) return;
    this.sinceProbe = 0;
    for (const c of this.watched.keys()) this.probe(c);
  };

  private probe(child: string): void {
    const w = this.watched.get(child);
    if (!w || w.inFlight) return;
    w.inFlight = true;
    // Shorter than the deadline, so that a hung child fails a few probes before it is lost.
    const timeout = Math.max(1000, Math.min(this.opts.deadlineMs / 2, this.opts.intervalMs));
    this.opts.probe(child, timeout).then(
      (answer) => {
        w.inFlight = false;
        if (this.watched.get(child) !== w) return;
        const before = w.state;
        w.state = 'up';
        w.lastOk = performance.now();
        w.refused = 0;
        w.lastError = '';
        this.opts.onAnswer(child, answer, before);
      },
      (err: unknown) => {
        w.inFlight = false;
        if (this.watched.get(child) !== w) return;
        const e = err as Error;
        w.lastError = ((e.cause as Error | undefined)?.message ?? e.message) || String(err);
        const refused = refusedConnection(err);
        w.refused = refused ? w.refused + 1 : 0;
        const now = performance.now();
        const deadline = w.calls > 0 ? Math.max(this.opts.deadlineMs, BUSY_DEADLINE_MS) : this.opts.deadlineMs;
        if (w.state !== 'lost' && (w.refused >= 2 || now - w.lastOk >= deadline)) {
          w.state = 'lost';
          const why = w.refused >= 2 ? `its port is closed (${w.lastError})` : `no answer for ${Math.round((now - w.lastOk) / 1000)} s (${w.lastError})`;
          this.opts.onLost(child, why);
          for (const f of w.losers.splice(0)) f(new ChildLost(`${child} is lost: ${why}`));
          return;
        }
        // A closed port is checked again soon rather than at the next interval.
        if (refused && w.state !== 'lost' && this.timer) {
          clearTimeout(w.quick);
          w.quick = setTimeout(() => this.probe(child), Math.max(100, Math.min(500, this.opts.intervalMs / 4)));
          w.quick.unref();
        }
      },
    );
  }
}
